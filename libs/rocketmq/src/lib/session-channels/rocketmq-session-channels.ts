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
import { SessionChannelsClosedError } from '../rocketmq.errors';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import type { SessionEventInput } from '../session/session-event';
import { assertSessionId, liteTopicFor } from '../session/session-id';
import { KeyedSerialQueue } from '../util/keyed-serial-queue';
import { toMessage } from '@litesession/edge';
import type { LinkHealth } from '../client/link-repair';
import type { LiteConsumer, LiteConsumerFactory } from './lite-consumer';
import { dispatchDelivery } from './dispatch-delivery';
import { LiteConsumerHolder } from './lite-consumer-holder';
import { LiteDeliveryRecovery } from './lite-delivery-recovery';
import type { SessionChannelsHost } from './session-channels-host';
import { type FanoutEntry, SessionFanout } from './session-fanout';
import { reconcileSessions } from './session-reconcile';
import { translateSubscribeError } from './subscribe-error';
import {
  type SessionChannelStats,
  SessionChannels,
  type SessionListener,
  type SessionSubscription,
  type SubscribeOptions,
} from './session-channels';

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
  private readonly lite: LiteConsumerHolder;
  private readonly timers: NodeJS.Timeout[] = [];
  private draining = false;
  private readonly host: SessionChannelsHost = {
    sessions: this.sessions,
    serial: this.serial,
    consumer: () => this.lite.current,
    forget: (sessionId) => this.sessions.delete(sessionId),
    reposition: (fanout, seq) => this.reposition(fanout, seq),
    inBackground: (sessionId, what, task) => this.inBackground(sessionId, what, task),
  };
  private readonly recovery: LiteDeliveryRecovery;

  constructor(
    @Inject(RESOLVED_ROCKETMQ_OPTIONS) private readonly options: ResolvedRocketMQOptions,
    @Inject(LITE_CONSUMER_FACTORY) private readonly createConsumer: LiteConsumerFactory,
    private readonly producer: RocketMQProducer,
  ) {
    super();
    this.lite = new LiteConsumerHolder(options, this.logger);
    this.recovery = new LiteDeliveryRecovery(this.host, options, this.logger);
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.sessionChannels.consumerGroup) return; // a publish-only process
    await this.lite.start(
      this.createConsumer(this.options, this.logger, (delivery) =>
        dispatchDelivery(this.sessions, delivery, this.logger),
      ),
    );
    this.every(this.options.revocationCheckIntervalMs, () => reconcileSessions(this.host, this.logger));
    if (this.options.stallRecoveryMs > 0) {
      this.every(Math.max(50, Math.floor(this.options.stallRecoveryMs / 4)), () =>
        this.recovery.recoverStalls(),
      );
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
    this.sessions.clear();
    await this.lite.close();
  }

  isRunning(): boolean {
    return !this.draining && this.lite.current?.isRunning() === true;
  }

  linkHealth(): LinkHealth {
    return this.lite.linkHealth();
  }

  onLinkChange(listener: (health: LinkHealth) => void): () => void {
    return this.lite.onLinkChange(listener);
  }

  stats(): SessionChannelStats {
    let listeners = 0;
    for (const fanout of this.sessions.values()) listeners += fanout.size;
    return {
      sessions: this.sessions.size,
      listeners,
      ...this.recovery.stats(),
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
        (expected, received) => this.recovery.onSkip(fanout, expected, received),
      );
      // At the end: the first message delivered positions the listener (a re-position before it comes goes
      // to nextSeq, which only reads more).
      const atEnd = entry.options.fromEnd === true;
      if (atEnd) entry.startsAtFirst = true;
      fanout.add(entry);
      this.sessions.set(sessionId, fanout); // before the RPC: the first messages may arrive before it returns
      try {
        await consumer.subscribeLite(liteTopicFor(sessionId), entry.nextSeq, atEnd);
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

  private async detach(sessionId: string, entry: FanoutEntry): Promise<void> {
    const fanout = this.sessions.get(sessionId);
    if (!fanout?.remove(entry) || fanout.size > 0) return;
    this.sessions.delete(sessionId);
    const consumer = this.lite.current;
    if (!consumer?.isRunning()) return;
    try {
      await consumer.unsubscribeLite(liteTopicFor(sessionId));
    } catch (error) {
      // Local state is already gone; reconcile() retries the broker side.
      this.logger.warn({
        msg: `Unsubscribe of session ${sessionId} failed, will retry: ${toMessage(error)}`,
        sessionId,
      });
    }
  }

  /** Runs `task` in the session's queue without waiting for it; a failure is logged as `what` failing. */
  private inBackground(sessionId: string, what: string, task: () => Promise<void>): void {
    void this.serial
      .run(sessionId, task)
      .catch((error: unknown) =>
        this.logger.warn({ msg: `${what} session ${sessionId} failed: ${toMessage(error)}`, sessionId }),
      );
  }

  private every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private requireConsumer(): LiteConsumer {
    if (this.draining) throw new SessionChannelsClosedError('Session channels are shutting down');
    const consumer = this.lite.current;
    if (!consumer) {
      throw new SessionChannelsClosedError(
        this.options.sessionChannels.consumerGroup
          ? 'Session channels are not started yet'
          : 'Session channels cannot subscribe: sessionChannels.consumerGroup is not configured',
      );
    }
    return consumer;
  }
}
