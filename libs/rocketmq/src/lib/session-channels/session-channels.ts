import type { LinkHealth } from '../client/link-repair';
import type { PublishedSessionEvent } from '../producer/rocketmq-producer';
import type { SessionEventDecodeError } from '../rocketmq.errors';
import type { SessionEvent, SessionEventInput } from '../session/session-event';

/** Receives a session's events in `seq` order, each once. Must not block; exceptions are caught and logged. */
export type SessionListener = (event: SessionEvent) => void;

/** Why a subscription ended without the subscriber asking. */
export type RevocationReason =
  /** Another process of this consumer group subscribed the session (Exclusive: one client per group has it). */
  | 'taken_over'
  /** Re-positioning the session's subscription failed at the broker. */
  | 'resubscribe_failed';

export interface SubscribeOptions {
  /** First `seq` to deliver; earlier events are skipped, later ones replayed from the log. @default 0 */
  fromSeq?: number;
  /**
   * Start at the log's end (the broker's MAX offset: only events stored from now on), with `fromSeq` as
   * the lowest seq accepted; the first event delivered sets the position. For a reader that needs what
   * comes next, not what came before (a scheduler taking a turn over finds its own marker this way).
   * Honoured only when this process does not hold the session yet; otherwise it starts at `fromSeq`.
   */
  fromEnd?: boolean;
  /** Called once when the subscription ends without `unsubscribe()`; nothing is delivered afterwards. */
  onRevoked?: (reason: RevocationReason) => void;
  /** Called for a stored message that is not a valid envelope (already logged with its message id). */
  onUndecodable?: (seq: number, error: SessionEventDecodeError) => void;
  /** Called when the log jumps past the next expected `seq` (e.g. the session's log expired and restarted). */
  onGap?: (expectedSeq: number, receivedSeq: number) => void;
  /**
   * The log is known to hold events up to this seq (e.g. a resuming client already had them). Until they
   * have arrived, a quiet subscription is recovered again and again (a resync, then re-positions at
   * growing intervals), not only a few times. Infinity: events are owed but their seq is unknown (e.g.
   * waiting for a marker just written).
   */
  knownSeq?: number;
}

export interface SessionSubscription {
  readonly sessionId: string;
  /**
   * Events are on their way (e.g. this subscriber queued a request whose turn writes to the log): if none
   * arrives, the subscription is recovered as for `knownSeq`, until one does (or for a minute).
   */
  expectEvents(): void;
  /** Idempotent. Releases the broker subscription when the last listener of the session leaves. */
  unsubscribe(): Promise<void>;
}

export interface SessionChannelStats {
  /** Sessions this process is subscribed to at the broker. */
  sessions: number;
  /** Listeners across those sessions (e.g. sockets). */
  listeners: number;
  /** Subscription resyncs sent because a session stalled (see RocketMQModuleOptions.stallRecoveryMs). */
  stallRecoveries: number;
  /** Sessions re-positioned because events owed to them did not arrive after a resync. */
  stallRepositions: number;
}

/**
 * The session-channel port: publish into a session's ordered, durable log and subscribe to it from any
 * position. Apps and their tests depend on this, never on RocketMQ types.
 */
export abstract class SessionChannels {
  abstract publish(sessionId: string, event: SessionEventInput): Promise<PublishedSessionEvent>;
  abstract subscribe(
    sessionId: string,
    options: SubscribeOptions,
    listener: SessionListener,
  ): Promise<SessionSubscription>;
  /** True when new subscriptions can be served. */
  abstract isRunning(): boolean;
  abstract stats(): SessionChannelStats;
  /** Whether the broker answers this process's subscriptions (the consumer's receives). */
  abstract linkHealth(): LinkHealth;
  /** Called on every change of linkHealth(); returns a function that stops the calls. */
  abstract onLinkChange(listener: (health: LinkHealth) => void): () => void;
}
