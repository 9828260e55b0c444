import { LitePushConsumerImpl } from 'rocketmq-client-nodejs';
import { toMessage } from '@litesession/edge';
import { AckBatcher } from '../client/ack-batcher';
import { withLinkRepair } from '../client/link-repair';
import { holdWithoutAutoRenew } from '../client/receive-request';
import { withSettingsReplay } from '../client/settings-replay';
import { SubscriptionSyncGate } from '../client/subscription-sync-gate';

type Options = ConstructorParameters<typeof LitePushConsumerImpl>[0];
type Endpoints = Parameters<LitePushConsumerImpl['createTelemetryStream']>[0];
type Status = Parameters<LitePushConsumerImpl['onUnknownCommand']>[1];
type ReceiveArgs = Parameters<LitePushConsumerImpl['receiveMessage']>;
type ReceiveRequestArgs = Parameters<LitePushConsumerImpl['wrapPushReceiveMessageRequest']>;
type AckArgs = Parameters<LitePushConsumerImpl['ackMessageViaRpc']>;

/** How the consumer receives and acks; every field is optional and off when absent. */
export interface LiteConsumerTuning {
  /** Receives hold their messages this long without the proxy's auto-renew (below). */
  receiveInvisibleMs?: number;
  /** One ack call per received batch instead of one per message (AckBatcher). */
  coalesceAcks?: boolean;
  /** After a receive that returned messages, wait this long before the next one, so it returns more. */
  receiveLingerMs?: number;
}

/** TelemetryCommand.CommandCase.NOTIFY_UNSUBSCRIBE_LITE_COMMAND in the v2 protocol. */
const NOTIFY_UNSUBSCRIBE_LITE_COMMAND = 9;

interface TelemetryCommandLike {
  getCommandCase(): number;
  getNotifyUnsubscribeLiteCommand():
    Parameters<LitePushConsumerImpl['onNotifyUnsubscribeLiteCommand']>[0] | undefined;
}

type LiteOffset = Parameters<LitePushConsumerImpl['subscribeLite']>[1];

interface SubscriptionManagerLike {
  subscribeLite(liteTopic: string, offsetOption: LiteOffset | null): Promise<void>;
  unsubscribeLite(liteTopic: string): Promise<void>;
  syncAllLiteSubscription(): Promise<void>;
}

/**
 * rocketmq-client-nodejs 1.0.8's LitePushConsumer, plus handling of the broker's "unsubscribe lite" notice,
 * an on-demand full subscription sync, full syncs that never carry a stale set (SubscriptionSyncGate), a
 * re-position with no full sync inside it, the start-up fix of withSettingsReplay and the repair of a client
 * the proxy forgot (withLinkRepair).
 * The 1.0.8 telemetry session does not dispatch that command (it logs it as unrecognized), so a node whose
 * session another node took over (Exclusive group) would keep it in its set, re-add it with every periodic
 * full sync and go on receiving part of the stream. Here the notice reaches the consumer's own handler,
 * which drops the lite topic from its set; RocketMQSessionChannels then revokes the session's listeners.
 *
 * Receives ask for no auto-renew and an invisible time of `receiveInvisibleMs`. A session's lite queue is
 * blocked for the group while messages of it are in flight, and with the proxy's auto-renew a killed
 * node's in-flight messages stayed in flight for about 60 s: the sessions it served resumed on another
 * node only then (the resume bench, docs/rocketmq.md). Every message is acked on arrival, so a short
 * invisible time costs nothing but a redelivery, which readers drop by `seq`, when an ack is late.
 */
export class LiteSessionPushConsumer extends withLinkRepair(withSettingsReplay(LitePushConsumerImpl)) {
  private readonly gate = new SubscriptionSyncGate();
  /** The manager's own subscribe and unsubscribe, outside the gate (a re-position holds it for both). */
  private readonly ungated: Pick<SubscriptionManagerLike, 'subscribeLite' | 'unsubscribeLite'>;
  private readonly acks: AckBatcher | undefined;
  /** When each message queue's last receive returned messages (the linger's start). */
  private readonly lastBatchAt = new WeakMap<object, number>();

  constructor(
    options: Options,
    private readonly tuning: LiteConsumerTuning = {},
  ) {
    super(options);
    this.acks = tuning.coalesceAcks
      ? new AckBatcher((endpoints, request, timeoutMs) =>
          super.ackMessageViaRpc(endpoints, request, timeoutMs),
        )
      : undefined;
    const manager = this.subscriptionManager();
    const subscribe = manager.subscribeLite.bind(manager);
    const unsubscribe = manager.unsubscribeLite.bind(manager);
    const syncAll = manager.syncAllLiteSubscription.bind(manager);
    this.ungated = { subscribeLite: subscribe, unsubscribeLite: unsubscribe };
    // The client's own 30 s timer calls the manager's method, so the gate is put on the manager.
    manager.subscribeLite = (topic, offset) => this.gate.partial(() => subscribe(topic, offset));
    manager.unsubscribeLite = (topic) => this.gate.partial(() => unsubscribe(topic));
    manager.syncAllLiteSubscription = () => this.gate.full(syncAll);
  }

  /** Unsubscribe and subscribe at `offset`, with no full sync between them (it would undo either). */
  repositionLite(liteTopic: string, offset: LiteOffset): Promise<void> {
    return this.gate.partial(async () => {
      await this.ungated.unsubscribeLite(liteTopic);
      await this.ungated.subscribeLite(liteTopic, offset);
    });
  }

  override wrapPushReceiveMessageRequest(...args: ReceiveRequestArgs) {
    const request = super.wrapPushReceiveMessageRequest(...args);
    const invisibleMs = this.tuning.receiveInvisibleMs;
    if (invisibleMs === undefined) return request;
    return holdWithoutAutoRenew(request, invisibleMs);
  }

  override ackMessageViaRpc(...[endpoints, request, timeoutMs]: AckArgs) {
    if (!this.acks) return super.ackMessageViaRpc(endpoints, request, timeoutMs);
    return this.acks.ack(endpoints, request, timeoutMs);
  }

  /** Every receive says whether the broker can be reached: the link state the gateway reports. */
  override async receiveMessage(...args: ReceiveArgs) {
    const queue = args[1];
    await this.linger(queue);
    try {
      const messages = await super.receiveMessage(...args);
      this.reportLink(undefined);
      if (messages.length > 0) this.lastBatchAt.set(queue, Date.now());
      return messages;
    } catch (error) {
      this.reportLink(toMessage(error));
      throw error;
    }
  }

  /** Waits out the rest of the linger that the queue's last non-empty receive started. */
  private async linger(queue: object): Promise<void> {
    const lingerMs = this.tuning.receiveLingerMs ?? 0;
    const since = this.lastBatchAt.get(queue);
    if (lingerMs <= 0 || since === undefined) return;
    const rest = since + lingerMs - Date.now();
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  }

  /** The proxy forgot this client (and with it, its lite subscriptions): send them all again. */
  protected override onSettingsRestored(): void {
    void this.resyncSubscriptions();
  }

  override createTelemetryStream(endpoints: Endpoints) {
    const stream = super.createTelemetryStream(endpoints);
    stream.on('data', (command: TelemetryCommandLike) => {
      if (command.getCommandCase() !== NOTIFY_UNSUBSCRIBE_LITE_COMMAND) return;
      const notice = command.getNotifyUnsubscribeLiteCommand();
      if (notice) this.onNotifyUnsubscribeLiteCommand(notice);
    });
    return stream;
  }

  /**
   * Sends the full lite subscription set (COMPLETE_ADD) now instead of at the next 30 s tick. On 5.5.0 this
   * makes the broker dispatch every subscribed lite topic with a backlog again (see RocketMQSessionChannels).
   */
  resyncSubscriptions(): Promise<void> {
    // The method logs and swallows its own errors.
    return this.subscriptionManager().syncAllLiteSubscription();
  }

  /** The client keeps its manager TypeScript-private. */
  private subscriptionManager(): SubscriptionManagerLike {
    return (this as unknown as { liteSubscriptionManager: SubscriptionManagerLike }).liteSubscriptionManager;
  }

  /** The client passes commands it does not know here with their (absent) status; only real statuses matter. */
  override onUnknownCommand(endpoints: Endpoints, status: Status) {
    if (status) super.onUnknownCommand(endpoints, status);
  }
}
