import type { Logger } from '@nestjs/common';
import { toMessage } from '@litesession/edge';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import type { SessionChannelsHost } from './session-channels-host';
import type { SessionFanout } from './session-fanout';

/** Re-positionings tried for one missing seq before the gap is taken as real. */
const MAX_GAP_REWINDS = 3;
/** Stalled sessions re-positioned per stall-recovery tick (two RPCs each); the rest wait for the next. */
const MAX_REPOSITIONS_PER_TICK = 20;

/**
 * Works around the broker's lost and skipped lite deliveries (5.5.0): a stalled session is resynced or
 * re-positioned, a skipped seq rewound. Never decides what a listener gets; it only makes the broker
 * hand out again what SessionFanout still needs.
 */
export class LiteDeliveryRecovery {
  private stallRecoveries = 0;
  private stallRepositions = 0;
  private readonly gapRewinds = new WeakMap<SessionFanout, { seq: number; count: number }>();
  private lastResyncAt = 0;

  constructor(
    private readonly host: SessionChannelsHost,
    private readonly options: ResolvedRocketMQOptions,
    private readonly logger: Logger,
  ) {}

  stats(): { stallRecoveries: number; stallRepositions: number } {
    return { stallRecoveries: this.stallRecoveries, stallRepositions: this.stallRepositions };
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
  recoverStalls(): void {
    const now = Date.now();
    const consumer = this.host.consumer();
    // A tick right after a resync would take remedies it cannot send yet.
    if (!consumer?.isRunning() || now - this.lastResyncAt < this.options.stallRecoveryMs) return;
    const linkUp = consumer.linkHealth().state === 'ok';
    let resync = false;
    let repositions = 0;
    for (const [sessionId, fanout] of this.host.sessions) {
      if (this.host.serial.isBusy(sessionId)) continue;
      const remedy = fanout.takeStall(now, this.options.stallRecoveryMs);
      if (remedy === 'resync' || (remedy === 'reposition' && !linkUp)) resync = true;
      if (remedy !== 'reposition' || !linkUp || repositions >= MAX_REPOSITIONS_PER_TICK) continue;
      repositions += 1;
      this.stallRepositions += 1;
      const seq = fanout.lowestNeeded();
      this.logger.warn({
        msg: `Session ${sessionId}: owed events have not arrived; re-positioning at seq ${seq}`,
        sessionId,
      });
      this.host.inBackground(sessionId, 'Re-positioning', async () => {
        if (this.host.sessions.get(sessionId) === fanout)
          await this.host.reposition(fanout, fanout.lowestNeeded());
      });
    }
    if (!resync) return;
    this.lastResyncAt = now;
    this.stallRecoveries += 1;
    void consumer
      .resync()
      .catch((error: unknown) => this.logger.warn(`Subscription resync failed: ${toMessage(error)}`));
  }

  /**
   * The broker skipped past a listener's next seq. Seen on hand-offs: a re-subscribe at an offset is applied
   * at the group's next pop, and a poll of the node that gave the session up can take (and ack) the first
   * messages. Re-positioning at the seq the listeners need makes the broker hand them out again. After
   * MAX_GAP_REWINDS attempts for the same seq the gap is real (e.g. an expired, restarted log) and is
   * delivered and reported instead.
   */
  onSkip(fanout: SessionFanout, expected: number, received: number): 'rewind' | 'accept' {
    const attempts = this.gapRewinds.get(fanout);
    const count = attempts?.seq === expected ? attempts.count : 0;
    if (count >= MAX_GAP_REWINDS) return 'accept';
    if (!this.host.serial.isBusy(fanout.sessionId)) {
      this.gapRewinds.set(fanout, { seq: expected, count: count + 1 });
      this.logger.warn({
        msg: `Session ${fanout.sessionId}: expected seq ${expected}, got ${received}; re-positioning`,
        sessionId: fanout.sessionId,
      });
      this.host.inBackground(fanout.sessionId, 'Re-positioning', async () => {
        if (this.host.sessions.get(fanout.sessionId) === fanout)
          await this.host.reposition(fanout, fanout.lowestNeeded());
      });
    }
    return 'rewind';
  }
}
