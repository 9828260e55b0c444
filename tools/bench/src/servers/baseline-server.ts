import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';

/** A `chat.event` as the LiteSession gateway sends it (docs/protocol.md). */
export interface BenchEvent {
  sessionId: string;
  seq: number;
  turnId: string;
  type: 'user.message' | 'turn.started' | 'token' | 'turn.completed';
  text?: string;
  ts: number;
}

/** Where a baseline server's session events come from. */
export interface SessionSource {
  /** Delivers session `sessionId`'s events with `seq >= fromSeq`, in order, until the returned close(). */
  open(sessionId: string, fromSeq: number, deliver: (event: BenchEvent) => void): Promise<() => void>;
  /** Starts a simulated reply in the session. */
  startTurn(sessionId: string, turnId: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export interface BaselineServerOptions {
  host: string;
  port: number;
  nodeId: string;
  source: SessionSource;
}

/**
 * The part of the LiteSession protocol the benchmark's clients use (handshake, `session`, `chat.send`,
 * `chat.event`), served by a plain Socket.IO server with the gateway's transport settings, so that the
 * baselines differ from LiteSession only in where the events come from. No validation, no resume tokens:
 * it is a measuring stick, not a product.
 */
export async function startBaselineServer(options: BaselineServerOptions): Promise<() => Promise<void>> {
  const http: HttpServer = createServer((req, res) => {
    const ok = req.url === '/health/ready' || req.url === '/health/live';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ok ? '{"status":"ok"}' : '{}');
  });
  // The gateway's settings (Nest's IoAdapter with `transports: ['websocket']`; socket.io defaults otherwise).
  const io = new Server(http, { transports: ['websocket'] });
  io.on('connection', (socket) => void serve(socket, options));
  await new Promise<void>((resolve) => http.listen(options.port, options.host, resolve));
  return async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await options.source.close();
  };
}

async function serve(socket: Socket, { nodeId, source }: BaselineServerOptions): Promise<void> {
  const auth = (socket.handshake.auth ?? {}) as { sessionId?: unknown; lastSeq?: unknown };
  const sessionId = typeof auth.sessionId === 'string' ? auth.sessionId : randomUUID().replaceAll('-', '');
  const fromSeq = typeof auth.lastSeq === 'number' ? auth.lastSeq + 1 : 0;
  socket.on('chat.send', (payload: { text?: unknown }, ack?: (answer: unknown) => void) => {
    const turnId = randomUUID();
    const text = typeof payload?.text === 'string' ? payload.text : '';
    source.startTurn(sessionId, turnId, text).then(
      () => ack?.({ ok: true, turnId }),
      () => ack?.({ ok: false, error: { code: 'unavailable', message: 'could not start the turn' } }),
    );
  });
  socket.emit('session', { sessionId, resumeToken: 'baseline', node: nodeId });
  try {
    const close = await source.open(sessionId, fromSeq, (event) => socket.emit('chat.event', event));
    if (socket.disconnected) close();
    else socket.once('disconnect', close);
  } catch {
    socket.emit('chat.error', { code: 'unavailable', message: 'Session unavailable; reconnect' });
    socket.disconnect();
  }
}

/** PORT, HOST, NODE_ID and the simulated model's pace, from the environment (set by the bench's paths). */
export function baselineEnv(): {
  host: string;
  port: number;
  nodeId: string;
  tokensPerSecond: number;
  replyTokens: number;
} {
  const env = process.env;
  return {
    host: env['HOST'] || '127.0.0.1',
    port: Number(env['PORT'] || 3200),
    nodeId: env['NODE_ID'] || `baseline-${process.pid}`,
    tokensPerSecond: Number(env['BENCH_TOKENS_PER_SECOND'] || 30),
    replyTokens: Number(env['BENCH_REPLY_TOKENS'] || 60),
  };
}

/** Runs `start` and stops what it returns on SIGTERM/SIGINT. */
export function runUntilSignalled(start: () => Promise<() => Promise<void>>): void {
  start().then(
    (stop) => {
      const shutdown = () => void stop().finally(() => process.exit(0));
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
