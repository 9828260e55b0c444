// By-hand probe (docs/benchmarks.md §2-3): CPU of every LiteSession process, 10 s at a time, with no
// sessions, 10 idle sessions, then 10 sessions streaming at 30 tok/s for 90 s. Runs the bench's own broker.
//   npx tsx --tsconfig tsconfig.base.json tools/bench/src/probes/cpu-by-process.ts
import { ClientPool } from '../load/client-pool';
import { scrape } from '../measure/prometheus-text';
import { cpuMicros } from '../measure/proc-stats';
import { litesessionPath, startRocketMQ } from '../paths/litesession-path';

const SAMPLE_MS = 10_000;
const SESSIONS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const broker = await startRocketMQ();
  const running = await litesessionPath(broker).start({
    gateways: 1,
    tokensPerSecond: 30,
    replyTokens: 30 * 200,
    maxSessions: SESSIONS,
  });
  const processes = [{ name: 'gateway', pid: running.gatewayPid(0) }, ...running.infraProcesses()];
  let relayedBefore = 0;
  const sample = async (label: string) => {
    const before = processes.map((p) => cpuMicros(p.pid));
    await sleep(SAMPLE_MS);
    const used = processes.map((p, i) => cpuMicros(p.pid) - (before[i] as number));
    const metrics = await scrape(running.gatewayMetricsUrl?.(0) ?? '');
    const relayed = metrics.find((s) => s.name === 'litesession_gateway_events_relayed_total')?.value ?? 0;
    const perSecond = (relayed - relayedBefore) / (SAMPLE_MS / 1000);
    relayedBefore = relayed;
    const shares = processes.map(
      (p, i) => `${p.name} ${((100 * (used[i] as number)) / (SAMPLE_MS * 1000)).toFixed(0)}%`,
    );
    console.log(`${label.padEnd(16)} ${shares.join('  ')}  events/s ${perSecond.toFixed(0)}`);
  };
  const pool = await ClientPool.start(1);
  try {
    await sample('no sessions');
    await pool.open(SESSIONS, running.gatewayUrls, {
      credential: running.credential,
      startTurn: false,
      concurrency: 10,
      idPrefix: 'idle',
    });
    await sample(`${SESSIONS} idle`);
    await pool.closeSessions();
    await pool.open(SESSIONS, running.gatewayUrls, {
      credential: running.credential,
      startTurn: true,
      concurrency: 10,
      idPrefix: 'busy',
    });
    for (let i = 1; i <= 9; i += 1) await sample(`${SESSIONS} streaming ${i * 10} s`);
    await pool.closeSessions();
    await running.waitIdle?.(30_000);
  } finally {
    await pool.stop();
    await running.stop();
    await broker.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
