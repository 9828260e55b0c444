import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { type PublishedSessionEvent, RocketMQProducer } from '../producer/rocketmq-producer';
import { LITE_CONSUMER_FACTORY, RESOLVED_ROCKETMQ_OPTIONS } from '../rocketmq.constants';
import {
  RocketMQStartupError,
  SessionChannelError,
  SessionChannelQuotaError,
  SessionChannelsClosedError,
} from '../rocketmq.errors';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import { decodeSessionEvent, type SessionEventInput } from '../session/session-event';
import { assertSessionId, liteTopicFor, sessionIdFor } from '../session/session-id';
import { KeyedSerialQueue } from '../util/keyed-serial-queue';
import { toMessage, toStack } from '@litesession/edge';
import { withTimeout } from '../util/with-timeout';
import type { LinkHealth } from '../client/link-repair';
import type { LiteConsumer, LiteConsumerFactory, LiteDelivery } from './lite-consumer';
import { type FanoutEntry, SessionFanout } from './session-fanout';
import {
  type SessionChannelStats,
  SessionChannels,
  type SessionListener,
  type SessionSubscription,
  type SubscribeOptions,
} from './session-channels';

/** Re-positionings tried for one missing seq before the gap is taken as real. */
const MAX_GAP_REWINDS = 3;
/** Stalled sessions re-positioned per stall-recovery tick (two RPCs each); the rest wait for the next. */
const MAX_REPOSITIONS_PER_TICK = 20;

/**
 * Session channels on RocketMQ LiteTopic: one lite push consumer per process multiplexes every session
 * this process serves. Subscribe/unsubscribe of one session run strictly in call order, so a quick
 * reconnect can never be undone by the unsubscribe of the connection it replaces.
 */
@Injectable()
export class RocketMQSessionChannels
  extends SessionChannels
  implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(RocketMQSessionChannels.name);
  private readonly sessions = new Map<string, SessionFanout>();
  private readonly serial = new KeyedSerialQueue();
  private consumer: LiteConsumer | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private draining = false;
  private stallRecoveries = 0;
  private stallRepositions = 0;
  private readonly gapRewinds = new WeakMap<SessionFanout, { seq: number; count: number }>();
  private lastResyncAt = 0;
  private readonly pendingLinkListeners: Array<() => void> = [];

  constructor(
    @Inject(RESOLVED_ROCKETMQ_OPTIONS) private readonly options: ResolvedRocketMQOptions,
    @Inject(LITE_CONSUMER_FACTORY) private readonly createConsumer: LiteConsumerFactory,
    private readonly producer: RocketMQProducer,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.sessionChannels.consumerGroup) return; // a publish-only process
    const starting = this.createConsumer(this.options, this.logger, (delivery) => this.dispatch(delivery));
    try {
      this.consumer = await withTimeout(
        starting,
        this.options.startupTimeoutMs,
        'RocketMQ lite consumer startup',
      );
    } catch (error) {
      // If it starts after all, close it: a failed bootstrap must leave nothing running.
      void starting.then((late) => late.close()).catch(() => undefined);
      throw new RocketMQStartupError('RocketMQ lite consumer', this.options.endpoints, { cause: error });
    }
    this.pendingLinkListeners.splice(0).forEach((attach) => attach());
    this.every(this.options.revocationCheckIntervalMs, () => this.reconcile());
    if (this.options.stallRecoveryMs > 0) {
      this.every(Math.max(50, Math.floor(this.options.stallRecoveryMs / 4)), () => this.recoverStalls());
    }
    this.logger.log(
      `Lite consumer started (group ${this.options.sessionChannels.consumerGroup}, ` +
        `topic ${this.options.sessionChannels.parentTopic})`,
    );
  }

  beforeApplicationShutdown(): void {
    this.draining = true; // refuse new sessions; open ones are released as their sockets close
  }

  async onApplicationShutdown(): Promise<void> {
    this.timers.splice(0).forEach(clearInterval);
    const consumer = this.consumer;
    this.consumer = undefined;
    this.sessions.clear();
    if (!consumer) return;
    // Every message is acked as it arrives, so nothing is lost by not waiting out the client's long poll.
    await withTimeout(consumer.close(), this.options.shutdownTimeoutMs, 'Closing the lite consumer').catch(
      (error: unknown) => this.logger.warn(`${toMessage(error)}; continuing shutdown`),
    );
  }

  isRunning(): boolean {
    return !this.draining && this.consumer?.isRunning() === true;
  }

  linkHealth(): LinkHealth {
    return this.consumer?.linkHealth() ?? { state: 'ok', since: 0 };
  }

  onLinkChange(listener: (health: LinkHealth) => void): () => void {
    const stops: Array<() => void> = [];
    // Listeners may register before the consumer starts (providers are built first).
    const attach = () => {
      if (this.consumer) stops.push(this.consumer.onLinkChange(listener));
      else this.pendingLinkListeners.push(attach);
    };
    attach();
    return () => stops.forEach((stop) => stop());
  }

  stats(): SessionChannelStats {
    let listeners = 0;
    for (const fanout of this.sessions.values()) listeners += fanout.size;
    return {
      sessions: this.sessions.size,
      listeners,
      stallRecoveries: this.stallRecoveries,
      stallRepositions: this.stallRepositions,
    };
  }

  publish(sessionId: string, event: SessionEventInput): Promise<PublishedSessionEvent> {
    return this.producer.publish(sessionId, event, { parentTopic: this.options.sessionChannels.parentTopic });
  }

  async subscribe(
    sessionId: string,
    options: SubscribeOptions,
    listener: SessionListener,
  ): Promise<SessionSubscription> {
    assertSessionId(sessionId);
    const fromSeq = options.fromSeq ?? 0;
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0) {
      throw new RangeError(`fromSeq must be an integer >= 0 (got ${String(options.fromSeq)})`);
    }
    const entry: FanoutEntry = { listener, options, nextSeq: fromSeq };
    await this.serial.run(sessionId, () => this.attach(sessionId, entry));
    let released = false;
    return {
      sessionId,
      expectEvents: () => {
        if (!released) this.sessions.get(sessionId)?.expectEvents();
      },
      unsubscribe: async () => {
        if (released) return;
        released = true;
        await this.serial.run(sessionId, () => this.detach(sessionId, entry));
      },
    };
  }

  private async attach(sessionId: string, entry: FanoutEntry): Promise<void> {
    const consumer = this.requireConsumer();
    const existing = this.sessions.get(sessionId);
    if (!existing) {
      const fanout: SessionFanout = new SessionFanout(
        sessionId,
        entry.nextSeq,
        this.logger,
        (expected, received) => this.onSkip(fanout, expected, received),
      );
      fanout.add(entry);
      this.sessions.set(sessionId, fanout); // before the RPC: the first messages may arrive before it returns
      try {
        await consumer.subscribeLite(liteTopicFor(sessionId), entry.nextSeq);
      } catch (error) {
        this.sessions.delete(sessionId);
        throw translateSubscribeError(sessionId, error);
      }
      return;
    }
    existing.add(entry);
    if (existing.needsRewind(entry.nextSeq)) {
      // The new listener needs events this process already passed; the others skip what they have.
      await this.reposition(existing, entry.nextSeq, { joining: entry });
    }
  }

  /**
   * Moves a session's broker position to `seq`. The client ignores a second subscribe of a topic it holds,
   * so this is an unsubscribe and a subscribe at the offset; the broker dispatches the session anew.
   * If the broker refuses midway, every listener of the session is revoked (a `joining` one gets the error).
   */
  private async reposition(
    fanout: SessionFanout,
    seq: number,
    how: { joining?: FanoutEntry } = {},
  ): Promise<void> {
    const consumer = this.requireConsumer();
    const topic = liteTopicFor(fanout.sessionId);
    try {
      await consumer.repositionLite(topic, seq);
      fanout.positionedAt(seq);
    } catch (error) {
      this.sessions.delete(fanout.sessionId);
      if (how.joining) fanout.remove(how.joining);
      fanout.revokeAll('resubscribe_failed');
      await consumer.unsubscribeLite(topic).catch(() => undefined);
      throw translateSubscribeError(fanout.sessionId, error);
    }
  }

  /**
   * Lost dispatch events (apache/rocketmq#11191 and, measured here, the same symptom in non-FIFO groups
   * under concurrent load on 5.5.0): the broker stops handing out a lite topic's backlog until a new
   * message arrives or the subscription is synced again; the client's own full sync comes only every 30 s.
   * So when a session has been quiet for `stallRecoveryMs` after activity, the whole subscription set is
   * re-sent at once (one RPC, at most once per `stallRecoveryMs`); if nothing was stuck, nothing changes.
   * A session whose events are owed and still do not come is re-positioned at its cursor
   * (SessionFanout.takeStall), a few per tick and only while the broker answers: a failed re-position
   * revokes the session's listeners.
   */
  private recoverStalls(): void {
    const now = Date.now();
    const consumer = this.consumer;
    // A tick right after a resync would take remedies it cannot send yet.
    if (!consumer?.isRunning() || now - this.lastResyncAt < this.options.stallRecoveryMs) return;
    const linkUp = consumer.linkHealth().state === 'ok';
    let resync = false;
    let repositions = 0;
    for (const [sessionId, fanout] of this.sessions) {
      if (this.serial.isBusy(sessionId)) continue;
      const remedy = fanout.takeStall(now, this.options.stallRecoveryMs);
      if (remedy === 'resync' || (remedy === 'reposition' && !linkUp)) resync = true;
      if (remedy !== 'reposition' || !linkUp || repositions >= MAX_REPOSITIONS_PER_TICK) continue;
      repositions += 1;
      this.stallRepositions += 1;
      const seq = fanout.lowestNeeded();
      this.logger.warn(`Session ${sessionId}: owed events have not arrived; re-positioning at seq ${seq}`);
      this.inBackground(sessionId, 'Re-positioning', async () => {
        if (this.sessions.get(sessionId) === fanout) await this.reposition(fanout, fanout.lowestNeeded());
      });
    }
    if (!resync) return;
    this.lastResyncAt = now;
    this.stallRecoveries += 1;
    void consumer
      .resync()
      .catch((error: unknown) => this.logger.warn(`Subscription resync failed: ${toMessage(error)}`));
  }

  private async detach(sessionId: string, entry: FanoutEntry): Promise<void> {
    const fanout = this.sessions.get(sessionId);
    if (!fanout?.remove(entry) || fanout.size > 0) return;
    this.sessions.delete(sessionId);
    if (!this.consumer?.isRunning()) return;
    try {
      await this.consumer.unsubscribeLite(liteTopicFor(sessionId));
    } catch (error) {
      // Local state is already gone; reconcile() retries the broker side.
      this.logger.warn(`Unsubscribe of session ${sessionId} failed, will retry: ${toMessage(error)}`);
    }
  }

  /**
   * The broker skipped past a listener's next seq. Seen on hand-offs: a re-subscribe at an offset is applied
   * at the group's next pop, and a poll of the node that gave the session up can take (and ack) the first
   * messages. Re-positioning at the seq the listeners need makes the broker hand them out again. After
   * MAX_GAP_REWINDS attempts for the same seq the gap is real (e.g. an expired, restarted log) and is
   * delivered and reported instead.
   */
  private onSkip(fanout: SessionFanout, expected: number, received: number): 'rewind' | 'accept' {
    const attempts = this.gapRewinds.get(fanout);
    const count = attempts?.seq === expected ? attempts.count : 0;
    if (count >= MAX_GAP_REWINDS) return 'accept';
    if (!this.serial.isBusy(fanout.sessionId)) {
      this.gapRewinds.set(fanout, { seq: expected, count: count + 1 });
      this.logger.warn(
        `Session ${fanout.sessionId}: expected seq ${expected}, got ${received}; re-positioning`,
      );
      this.inBackground(fanout.sessionId, 'Re-positioning', async () => {
        if (this.sessions.get(fanout.sessionId) === fanout)
          await this.reposition(fanout, fanout.lowestNeeded());
      });
    }
    return 'rewind';
  }

  /** Runs inside the client's consume callback: must never throw. */
  private dispatch(delivery: LiteDelivery): void {
    try {
      const sessionId = sessionIdFor(delivery.liteTopic);
      const fanout = sessionId === undefined ? undefined : this.sessions.get(sessionId);
      if (!fanout || sessionId === undefined) return; // nobody here listens (any more)
      if (delivery.offset === undefined) {
        this.logger.error(
          `Message ${delivery.messageId} of session ${sessionId} has no queue offset; dropped`,
        );
        return;
      }
      const seq = delivery.offset;
      const { messageId } = delivery;
      fanout.deliver(seq, messageId, () => decodeSessionEvent(delivery.body, { sessionId, seq, messageId }));
    } catch (error) {
      this.logger.error(`Dispatch of message ${delivery.messageId} failed`, toStack(error));
    }
  }

  /**
   * Periodic check against the consumer's own view: sessions the broker moved to another node (Exclusive
   * eviction) are revoked, and broker subscriptions nobody here uses any more are released.
   */
  private reconcile(): void {
    const consumer = this.consumer;
    if (!consumer?.isRunning()) return;
    const subscribed = consumer.getLiteTopicSet();
    for (const [sessionId, fanout] of this.sessions) {
      if (!subscribed.has(liteTopicFor(sessionId)) && !this.serial.isBusy(sessionId)) {
        this.sessions.delete(sessionId);
        this.logger.log(`Session ${sessionId} was taken over by another node`);
        fanout.revokeAll('taken_over');
      }
    }
    for (const topic of subscribed) {
      const sessionId = sessionIdFor(topic);
      if (sessionId !== undefined && !this.sessions.has(sessionId) && !this.serial.isBusy(sessionId)) {
        this.inBackground(sessionId, 'Releasing', async () => {
          if (!this.sessions.has(sessionId)) await consumer.unsubscribeLite(topic);
        });
      }
    }
  }

  /** Runs `task` in the session's queue without waiting for it; a failure is logged as `what` failing. */
  private inBackground(sessionId: string, what: string, task: () => Promise<void>): void {
    void this.serial
      .run(sessionId, task)
      .catch((error: unknown) =>
        this.logger.warn(`${what} session ${sessionId} failed: ${toMessage(error)}`),
      );
  }

  private every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private requireConsumer(): LiteConsumer {
    if (this.draining) throw new SessionChannelsClosedError('Session channels are shutting down');
    if (!this.consumer) {
      throw new SessionChannelsClosedError(
        this.options.sessionChannels.consumerGroup
          ? 'Session channels are not started yet'
          : 'Session channels cannot subscribe: sessionChannels.consumerGroup is not configured',
      );
    }
    return this.consumer;
  }
}

function translateSubscribeError(sessionId: string, error: unknown): Error {
  const code = (error as { code?: unknown })?.code;
  if (code === 429 || /quota exceeded/i.test(toMessage(error))) {
    return new SessionChannelQuotaError(
      `No lite subscription quota left for session ${sessionId}: ${toMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  return new SessionChannelError(`Subscribing to session ${sessionId} failed: ${toMessage(error)}`, {
    cause: error,
  });
}
