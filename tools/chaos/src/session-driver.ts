import { type ChatEvent, LiteSessionClient, LiteSessionError, MemoryStorage } from '@litesession/client';

const TURN_DEADLINE_MS = 180_000;

/** What one chatting session saw, for the audit. */
export interface SessionRecord {
  sessionId: string | undefined;
  storage: MemoryStorage;
  /** Every event the client library handed to the app, in the order it did. */
  received: ChatEvent[];
  turnsSent: number;
  /** Sends the library gave up on (it retries across reconnects by itself). */
  sendFailures: string[];
}

/**
 * One user chatting: sends a message, waits until its turn has ended, sends the next, until stopped. The
 * client library does all reconnecting; the driver only records what reached the app.
 */
export class SessionDriver {
  readonly record: SessionRecord;
  private readonly client: LiteSessionClient;
  private stopping = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    urls: string[],
  ) {
    const storage = new MemoryStorage();
    this.record = { sessionId: undefined, storage, received: [], turnsSent: 0, sendFailures: [] };
    this.client = new LiteSessionClient({
      urls,
      storage,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    this.client.on('event', (event) => this.record.received.push(event));
  }

  async start(): Promise<void> {
    const state = await this.client.connect();
    this.record.sessionId = state.sessionId;
    this.running = this.chat();
  }

  /** Lets the turn in flight end (bounded), then closes the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.client.close();
  }

  private async chat(): Promise<void> {
    for (let turn = 1; !this.stopping; turn += 1) {
      let turnId: string;
      try {
        ({ turnId } = await this.client.send(`${this.name} message ${turn}`));
        this.record.turnsSent += 1;
      } catch (error) {
        const code = error instanceof LiteSessionError ? error.code : String(error);
        if (code === 'closed') return;
        this.record.sendFailures.push(code);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      await this.turnEnded(turnId);
    }
  }

  private turnEnded(turnId: string): Promise<void> {
    const ended = () => {
      const status = this.client.turns().find((t) => t.turnId === turnId)?.status;
      return status === 'completed' || status === 'failed' || status === 'cancelled';
    };
    return new Promise((resolve) => {
      const deadline = Date.now() + TURN_DEADLINE_MS;
      const poll = setInterval(() => {
        if (ended() || Date.now() > deadline) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
  }
}
