import type { KeyedSerialQueue } from '../util/keyed-serial-queue';
import type { LiteConsumer } from './lite-consumer';
import type { SessionFanout } from './session-fanout';

/**
 * What RocketMQSessionChannels lends its helpers (LiteDeliveryRecovery, reconcileSessions): its sessions,
 * their per-session queue, and the calls that change the broker's side of one.
 */
export interface SessionChannelsHost {
  readonly sessions: ReadonlyMap<string, SessionFanout>;
  readonly serial: KeyedSerialQueue;
  consumer(): LiteConsumer | undefined;
  /** Drops a session here (its listeners are revoked by the caller). */
  forget(sessionId: string): void;
  /** Moves the session's broker position to `seq`; a refusal revokes its listeners. */
  reposition(fanout: SessionFanout, seq: number): Promise<void>;
  /** Runs `task` in the session's queue without waiting for it; a failure is logged as `what` failing. */
  inBackground(sessionId: string, what: string, task: () => Promise<void>): void;
}
