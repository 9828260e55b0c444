// Baseline (a), the limit: the simulated model runs inside the Socket.IO process and emits straight to
// the socket. No broker, no log: a client that is away misses what was emitted meanwhile, for good.
import {
  type BenchEvent,
  baselineEnv,
  runUntilSignalled,
  type SessionSource,
  startBaselineServer,
} from './baseline-server';
import { benchToken, paceTokens } from './token-pacer';

class DirectSource implements SessionSource {
  private readonly listeners = new Map<string, (event: BenchEvent) => void>();
  private readonly nextSeq = new Map<string, number>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly tokensPerSecond: number,
    private readonly replyTokens: number,
  ) {}

  async open(sessionId: string, _fromSeq: number, deliver: (event: BenchEvent) => void): Promise<() => void> {
    this.listeners.set(sessionId, deliver);
    return () => {
      if (this.listeners.get(sessionId) === deliver) this.listeners.delete(sessionId);
    };
  }

  async startTurn(sessionId: string, turnId: string, text: string): Promise<void> {
    const emit = (type: BenchEvent['type'], eventText?: string) => {
      const seq = this.nextSeq.get(sessionId) ?? 0;
      this.nextSeq.set(sessionId, seq + 1);
      const event: BenchEvent = { sessionId, seq, turnId, type, ts: Date.now() };
      if (eventText !== undefined) event.text = eventText;
      this.listeners.get(sessionId)?.(event);
    };
    emit('user.message', text);
    emit('turn.started');
    let reply = '';
    void paceTokens(
      this.replyTokens,
      this.tokensPerSecond,
      (index) => {
        const token = benchToken(index);
        reply += token;
        emit('token', token);
        if (index === this.replyTokens - 1) emit('turn.completed', reply);
      },
      this.stopping.signal,
    );
  }

  async close(): Promise<void> {
    this.stopping.abort();
  }
}

const env = baselineEnv();
runUntilSignalled(() =>
  startBaselineServer({ ...env, source: new DirectSource(env.tokensPerSecond, env.replyTokens) }),
);
