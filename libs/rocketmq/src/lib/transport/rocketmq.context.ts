import { BaseRpcContext } from '@nestjs/microservices';
import type { RequestLease } from './request-lease';

/** The parts of a received message a handler may need; built from rocketmq-client-nodejs's MessageView. */
export interface RocketMQMessage {
  topic: string;
  messageId: string;
  body: Buffer;
  messageGroup: string | undefined;
  keys: string[];
  tag: string | undefined;
  deliveryAttempt: number;
}

type RocketMQContextArgs = [message: RocketMQMessage, lease: RequestLease];

/** The lease of a message received without one (a consumer without leases): never lost. */
export const UNLEASED: RequestLease = Object.freeze({
  signal: new AbortController().signal,
  handBack: () => undefined,
});

/** Context of an @EventPattern handler served by RocketMQServer. */
export class RocketMQContext extends BaseRpcContext<RocketMQContextArgs> {
  /** Returns the message as received. */
  getMessage(): RocketMQMessage {
    return this.args[0];
  }

  /** Returns the broker's message id (for logs). */
  getMessageId(): string {
    return this.args[0].messageId;
  }

  /** Returns the FIFO message group (e.g. a session id), if the sender set one. */
  getMessageGroup(): string | undefined {
    return this.args[0].messageGroup;
  }

  /** Returns 1 for the first delivery, 2 for the first redelivery, … */
  getDeliveryAttempt(): number {
    return this.args[0].deliveryAttempt;
  }

  /**
   * This process's hold on the message: its signal aborts when the hold is lost (stop acting on the
   * message: another consumer may have it), and handBack() lets it go at once (graceful shutdown).
   */
  getLease(): RequestLease {
    return this.args[1] ?? UNLEASED;
  }
}
