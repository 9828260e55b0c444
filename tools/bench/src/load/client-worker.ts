// A client worker process: runs its share of the benchmark's sessions and answers the bench over IPC.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { SessionClient, type SessionMeter } from './session-client';
import type { WorkerAnswer, WorkerCommand, WorkerReport } from './worker-messages';
import { toMessage } from '@litesession/edge/errors';

const sessions: SessionClient[] = [];
const newHistogram = (): Histogram =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
let latencyMicros = newHistogram();
let window = { fromMs: Infinity, toMs: Infinity };
let deliveredEvents = 0;
let deliveredTokens = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

const meter: SessionMeter = {
  token(ts, receivedMs, tokens) {
    if (ts < window.fromMs || ts >= window.toMs) return;
    deliveredEvents += 1;
    deliveredTokens += tokens;
    latencyMicros.recordValue(Math.max(1, Math.round((receivedMs - ts) * 1000)));
  },
};

function answer(message: WorkerAnswer): void {
  process.send?.(message);
}

async function open(command: Extract<WorkerCommand, { type: 'open' }>): Promise<void> {
  const started = Date.now();
  let opened = 0;
  let failed = 0;
  const errors: string[] = [];
  let next = 0;
  const openOne = async (index: number) => {
    const client = new SessionClient(command.urls, meter, command.credential);
    try {
      await client.open();
      if (command.startTurn) await client.send(`${command.idPrefix}-${index} please keep talking`);
      sessions.push(client);
      opened += 1;
    } catch (error) {
      client.close();
      failed += 1;
      if (errors.length < 5) errors.push(toMessage(error));
    }
  };
  // `concurrency` handshakes in flight at a time: a burst of thousands would only measure the backlog.
  await Promise.all(
    Array.from({ length: Math.min(command.concurrency, command.count) }, async () => {
      while (next < command.count) await openOne(next++);
    }),
  );
  answer({ type: 'opened', opened, failed, errors, elapsedMs: Date.now() - started });
}

function report(): WorkerReport {
  let lost = 0;
  let duplicated = 0;
  let reordered = 0;
  const reconnectMs: number[] = [];
  const resumeMs: number[] = [];
  const restartTs: number[][] = [];
  let unresumed = 0;
  let minLogEvents = Number.POSITIVE_INFINITY;
  for (const session of sessions) {
    minLogEvents = Math.min(minLogEvents, session.seqs.lastSeq + 1);
    lost += session.seqs.lost;
    duplicated += session.seqs.duplicated;
    reordered += session.seqs.reordered;
    if (session.reconnectMs !== undefined) reconnectMs.push(session.reconnectMs);
    if (session.resumeMs !== undefined) resumeMs.push(session.resumeMs);
    if (session.awaitingResume) unresumed += 1;
    restartTs.push(session.restartTs); // copied by the IPC message
  }
  const result: WorkerReport = {
    type: 'report',
    sessions: sessions.length,
    latencyHistogram: encodeIntoCompressedBase64(latencyMicros),
    deliveredEvents,
    deliveredTokens,
    lost,
    duplicated,
    reordered,
    reconnectMs,
    resumeMs,
    unresumed,
    restartTs,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    minLogEvents: Number.isFinite(minLogEvents) ? minLogEvents : 0,
  };
  return result;
}

async function close(): Promise<void> {
  const cancelled = await Promise.all(sessions.map((session) => session.cancel()));
  for (const session of sessions) session.close();
  answer({ type: 'closed', cancelled: cancelled.filter(Boolean).length });
}

process.on('message', (command: WorkerCommand) => {
  switch (command.type) {
    case 'open':
      void open(command);
      break;
    case 'window':
      window = { fromMs: command.fromMs, toMs: command.toMs };
      latencyMicros = newHistogram();
      deliveredEvents = 0;
      deliveredTokens = 0;
      loopDelay.reset();
      break;
    case 'report':
      answer(report());
      break;
    case 'close':
      void close();
      break;
  }
});
loopDelay.enable();
// The bench going away (a crash, Ctrl-C) takes the worker with it.
process.on('disconnect', () => process.exit(0));
