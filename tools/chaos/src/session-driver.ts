import { type ChatEvent, LiteSessionClient, LiteSessionError, MemoryStorage } from '@litesession/client';
import { type ClientTimeline, ClientTimelineRecorder } from './client-timeline';
import { observedSocket } from './observed-socket';
import type { TurnTiming } from './recovery';

const TURN_DEADLINE_MS = 180_000;
const ENDED: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/** What one chatting session saw, for the audit. */
export interface SessionRecord {
  sessionId: string | undefined;
  storage: MemoryStorage;
  /** Every event the client library handed to the app, in the order it did. */
  received: ChatEvent[];
  turnsSent: number;
  /** Sends the library gave up on (it retries across reconnects by itself). */
  sendFailures: string[];
  /** Every turn a `send()` was acknowledged with (`{ ok: true }`), in order, with when it was sent. */
  acked: Array<{ turnId: string; sentAt: number }>;
  /** Connection, broker view and `unavailable` refusals over time. */
  timeline: ClientTimeline;
}

/**
 * One user chatting: sends a message, waits until its turn has ended, sends the next, until stopped. The
 * client library does all reconnecting; the driver only records what reached the app.
 */
export class SessionDriver {
  readonly record: SessionRecord;
  private readonly client: LiteSessionClient;
  /** When each turn's TurnView last became ended; a turn that a restart reopened is taken out again. */
  private readonly endedAt = new Map<string, number>();
  private stopping = false;
  private running: Promise<void> | undefined;
  /** True in `catchUp()`: events then arrive long after they were written. */
  private catchingUp = false;
  private lastEventTs = 0;

  constructor(
    private readonly name: string,
    urls: string[],
    /** A fresh credential of this session's user, for every connection attempt. */
    readonly token: () => Promise<string>,
  ) {
    const storage = new MemoryStorage();
    const recorder = new ClientTimelineRecorder();
    this.record = {
      sessionId: undefined,
      storage,
      received: [],
      turnsSent: 0,
      sendFailures: [],
      acked: [],
      timeline: recorder.timeline,
    };
    this.client = new LiteSessionClient({
      urls,
      storage,
      token,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
      createSocket: observedSocket((code) => recorder.refusal(code)),
    });
    this.client.on('event', (event) => {
      this.record.received.push(event);
      this.lastEventTs = event.ts;
    });
    this.client.on('state', (state) => recorder.state(state));
    this.client.on('error', (error) => recorder.refusal(error.code));
    // The client emits a turn's `turn` right after the `event` that changed it. An ending delivered only
    // by catchUp() is dated by when it was written: a connected client would have seen it then.
    this.client.on('turn', (turn) => {
      if (ENDED.has(turn.status))
        this.endedAt.set(turn.turnId, this.catchingUp ? this.lastEventTs : Date.now());
      else this.endedAt.delete(turn.turnId);
    });
  }

  /**
   * Connects and starts chatting. Resolves true once connected, or false when the session has not
   * connected within `timeoutMs`; the client then keeps trying, and chats once it is connected.
   */
  start(timeoutMs: number): Promise<boolean> {
    const connected = this.client.connect().then((state) => {
      this.record.sessionId = state.sessionId;
      return true;
    });
    this.running = connected.then(
      () => this.chat(),
      () => undefined, // never connected: closed first, or refused for good
    );
    return settledWithin(connected, timeoutMs).then(() => this.record.sessionId !== undefined);
  }

  /**
   * Lets the turn in flight end, then closes the connection. Waits at most until `drainUntil` (ms since
   * the epoch) when given, else as long as a turn may take (3 min).
   */
  async stop(drainUntil?: number): Promise<void> {
    this.stopping = true;
    if (drainUntil === undefined) await this.running;
    else await settledWithin(this.running, drainUntil - Date.now());
    this.client.close();
    await this.running;
  }

  /**
   * After `stop()`: resumes the session (from the last event the client delivered) until the client has
   * delivered the event `seq`, or `timeoutMs` has passed, then closes it again. For events written after
   * the client closed, such as an ending written again when another scheduler took the request over.
   */
  async catchUp(seq: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const delivered = () => Math.max(-1, ...this.record.received.map((event) => event.seq)) >= seq;
    if (delivered()) return;
    this.catchingUp = true;
    // Refused for good (or not before the deadline): what it delivered is what the audit sees.
    await settledWithin(this.client.connect(), timeoutMs);
    while (!delivered() && Date.now() < deadline) await sleep(100);
    this.client.close();
  }

  /** The acknowledged turns with when the client saw each end (as far as the driver watched). */
  turnTimings(): TurnTiming[] {
    return this.record.acked.map(({ turnId, sentAt }) => ({
      turnId,
      sentAt,
      endedAt: this.endedAt.get(turnId),
    }));
  }

  private async chat(): Promise<void> {
    for (let turn = 1; !this.stopping; turn += 1) {
      let turnId: string;
      const sentAt = Date.now();
      try {
        ({ turnId } = await this.client.send(`${this.name} message ${turn}`));
        this.record.turnsSent += 1;
        this.record.acked.push({ turnId, sentAt });
      } catch (error) {
        const code = error instanceof LiteSessionError ? error.code : String(error);
        if (code === 'closed') return;
        this.record.sendFailures.push(code);
        await sleep(500);
        continue;
      }
      await this.turnEnded(turnId);
    }
  }

  private turnEnded(turnId: string): Promise<void> {
    return new Promise((resolve) => {
      const deadline = Date.now() + TURN_DEADLINE_MS;
      const poll = setInterval(() => {
        if (this.endedAt.has(turnId) || this.stopped() || Date.now() > deadline) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
  }

  private stopped(): boolean {
    return this.client.state.status === 'closed';
  }
}

/** Waits until `promise` settles (either way), or `ms` at most, without keeping the process alive after. */
async function settledWithin(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))));
  try {
    await Promise.race([promise?.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
