import { type MessageView, PushConsumer } from 'rocketmq-client-nodejs';
import { withLinkRepair } from '../client/link-repair';
import { holdWithoutAutoRenew } from '../client/receive-request';
import { withSettingsReplay } from '../client/settings-replay';
import { HeldMessage } from './request-lease';

type Options = ConstructorParameters<typeof PushConsumer>[0];
type ReceiveArgs = Parameters<PushConsumer['wrapPushReceiveMessageRequest']>;

/** How the process holds what it receives: a lease of `leaseMs`, renewed every `renewEveryMs`. */
export interface LeaseSettings {
  leaseMs: number;
  renewEveryMs: number;
}

/**
 * A push consumer whose messages are held on leases this process renews itself (ChangeInvisibleDuration,
 * one call per message per `renewEveryMs`), not on the proxy's auto-renew, which keeps a dead consumer's
 * messages invisible until the proxy expires its channel (30 s here, 120 s by default). Receives ask for
 * no auto-renew and an invisible time of one lease; the proxy's `minInvisibleTimeMillsForRecv` must allow
 * it (tools/rocketmq sets it to 1 s). Every ack or nack uses the message's latest receipt handle.
 */
export class LeasedPushConsumer extends withLinkRepair(withSettingsReplay(PushConsumer)) {
  private readonly held = new Map<string, HeldMessage>();
  /** Leases being ended by an ack or nack whose request is built but not sent yet. */
  private readonly ending = new Map<string, HeldMessage>();

  constructor(
    options: Options,
    private readonly lease: LeaseSettings,
    private readonly onLeaseLost: (messageId: string, reason: string) => void = () => undefined,
  ) {
    super(options);
  }

  /** Starts holding a message just received; the handler gets it as its RequestLease. */
  hold(view: MessageView): HeldMessage {
    const message = new HeldMessage(
      view.messageId,
      view.receiptHandle,
      this.lease.leaseMs,
      this.lease.renewEveryMs,
      (handle, leaseMs) => this.renew(view, handle, leaseMs),
      (messageId, reason) => {
        this.held.delete(messageId);
        this.onLeaseLost(messageId, reason);
      },
    );
    this.held.set(view.messageId, message);
    return message;
  }

  /** The handler is done with the message (its ack or nack follows): stop renewing. */
  release(messageId: string): void {
    this.held.get(messageId)?.stop();
  }

  override wrapPushReceiveMessageRequest(...args: ReceiveArgs) {
    return holdWithoutAutoRenew(super.wrapPushReceiveMessageRequest(...args), this.lease.leaseMs);
  }

  override wrapAckMessageRequest(view: MessageView) {
    this.take(view.messageId);
    return super.wrapAckMessageRequest(view);
  }

  override wrapChangeInvisibleDurationRequest(view: MessageView, invisibleDuration: number) {
    const message = this.take(view.messageId);
    // A handed-back message is visible again at once; a failed one after the retry policy's backoff.
    return super.wrapChangeInvisibleDurationRequest(view, message?.isHandedBack ? 0 : invisibleDuration);
  }

  /**
   * Sends an ack with the lease's latest receipt handle (HeldMessage.finalHandle). The lease stays in
   * `ending` until the broker's answer ends the client's retries (OK, or a handle it forgives), so that
   * a retried ack uses that handle too.
   */
  override async ackMessageViaRpc(...args: Parameters<PushConsumer['ackMessageViaRpc']>) {
    const [, request] = args;
    const entry = request.getEntriesList()[0];
    const message = entry && this.ending.get(entry.getMessageId());
    if (entry && message) entry.setReceiptHandle(await message.finalHandle());
    const response = await super.ackMessageViaRpc(...args);
    if (message && isFinal(response.getStatus()?.getCode())) this.ending.delete(message.messageId);
    return response;
  }

  /** Sends a nack with the lease's latest receipt handle, like the ack; renewals (`renew`) pass by. */
  override async changeInvisibleDurationViaRpc(
    ...args: Parameters<PushConsumer['changeInvisibleDurationViaRpc']>
  ) {
    const [, request] = args;
    const message = this.ending.get(request.getMessageId());
    if (message) request.setReceiptHandle(await message.finalHandle());
    const response = await super.changeInvisibleDurationViaRpc(...args);
    if (message && isFinal(response.getStatus()?.getCode())) this.ending.delete(message.messageId);
    return response;
  }

  /** The lease of `messageId` ends with the ack or nack being built: no more renewals. */
  private take(messageId: string): HeldMessage | undefined {
    const message = this.held.get(messageId);
    if (!message) return undefined;
    message.stop();
    this.held.delete(messageId);
    this.ending.set(messageId, message);
    return message;
  }

  private async renew(view: MessageView, receiptHandle: string, leaseMs: number): Promise<string> {
    const request = super.wrapChangeInvisibleDurationRequest(view, leaseMs).setReceiptHandle(receiptHandle);
    const response = await super.changeInvisibleDurationViaRpc(
      view.endpoints,
      request,
      this.requestTimeoutValue,
    );
    const status = response.getStatus()?.toObject();
    if (status?.code !== 20000)
      throw new Error(`renewal refused (${status?.code}: ${status?.message ?? ''})`);
    return response.getReceiptHandle();
  }
}

/** OK (20000) or INVALID_RECEIPT_HANDLE (40013): answers after which the client does not retry. */
function isFinal(code: number | undefined): boolean {
  return code === 20000 || code === 40013;
}
