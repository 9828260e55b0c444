import { randomBytes } from 'node:crypto';
import {
  loadToolConfig,
  proxyEndpoint,
  start as startBroker,
  status as brokerStatus,
  reset as resetBroker,
  stop as stopBroker,
  type ToolConfig,
} from '@litesession/rocketmq-tools';
import path from 'node:path';
import { DevIdentity, freePort, type NodeProcess, ROOT } from '@litesession/stack-tools';
import type { BenchPath, InfraProcess, PathOptions, RunningPath } from './bench-path';
import { scrape } from '../measure/prometheus-text';
import { stopOnInterrupt } from './cleanup';
import { HOST, killNode, pidOf, spawnNode } from './spawn-node';

/** The local RocketMQ cluster, started once per bench run (and stopped after it if this run started it). */
export interface BrokerHandle {
  endpoint: string;
  version: string;
  /** namesrv, broker and proxy JVMs. */
  processes: InfraProcess[];
  stop(): Promise<void>;
}

/**
 * The bench's own cluster, apart from the one `npm start` and the tests use: a run leaves turns behind
 * (sessions whose gateway it killed), and their requests would come back to the next run's scheduler.
 * So it starts from an empty store each time, on its own ports; `BENCH_ROCKETMQ_*` move them.
 */
export function benchBrokerConfig(env: NodeJS.ProcessEnv = process.env): ToolConfig {
  return loadToolConfig({
    ...env,
    ROCKETMQ_DIR: env['BENCH_ROCKETMQ_DIR'] || path.join(ROOT, '.rocketmq-bench'),
    ROCKETMQ_NAMESRV_PORT: env['BENCH_ROCKETMQ_NAMESRV_PORT'] || '29876',
    ROCKETMQ_BROKER_PORT: env['BENCH_ROCKETMQ_BROKER_PORT'] || '30911',
    ROCKETMQ_PROXY_PORT: env['BENCH_ROCKETMQ_PROXY_PORT'] || '28081',
    ROCKETMQ_PROXY_REMOTING_PORT: env['BENCH_ROCKETMQ_PROXY_REMOTING_PORT'] || '28080',
  });
}

export async function startRocketMQ(): Promise<BrokerHandle> {
  const config = benchBrokerConfig();
  await resetBroker(config);
  const forget = stopOnInterrupt(() => stopBroker(config));
  const broker = await startBroker(config);
  return {
    endpoint: proxyEndpoint(config),
    version: broker.version,
    processes: await processesOf(config),
    stop: async () => {
      forget();
      await stopBroker(config);
    },
  };
}

/**
 * The system under test: `options.gateways` gateway nodes and `options.schedulers` schedulers (1 by
 * default) with the simulated model on the given broker, all from sources with their production defaults
 * (token coalescing and the request lease included) except the model's pace and the turn slots.
 */
export function litesessionPath(broker: BrokerHandle): BenchPath {
  return {
    name: 'litesession',
    start: (options) => startNodes(broker, options),
  };
}

async function startNodes(broker: BrokerHandle, options: PathOptions): Promise<RunningPath> {
  const endpoint = broker.endpoint;
  const children: NodeProcess[] = [];
  try {
    const schedulers: Array<{ child: NodeProcess; metricsUrl: string }> = [];
    for (let i = 0; i < (options.schedulers ?? 1); i += 1) {
      const port = await freePort(HOST);
      const child = await spawnNode({
        name: `scheduler-${i + 1}`,
        entry: 'apps/llm-scheduler/src/main.ts',
        tsconfig: 'apps/llm-scheduler/tsconfig.app.json',
        port,
        env: {
          SCHEDULER_NODE_ID: `bench-scheduler-${i + 1}`,
          ROCKETMQ_ENDPOINTS: endpoint,
          LLM_PROVIDER: 'simulated',
          SIM_TOKENS_PER_SECOND: String(options.tokensPerSecond),
          SIM_REPLY_TOKENS: String(options.replyTokens),
          MAX_CONCURRENT_TURNS: String(options.maxSessions),
          // The bench stops it with turns still running; they need not finish first.
          SHUTDOWN_GRACE_MS: String(options.schedulerGraceMs ?? 0),
        },
        stopGraceMs: 30_000,
      });
      children.push(child);
      schedulers.push({ child, metricsUrl: `http://${HOST}:${port}/metrics` });
    }
    const killedSchedulers = new Set<number>();
    const alive = () => schedulers.filter((_, i) => !killedSchedulers.has(i));
    // Requests an earlier run left unacknowledged come back to the schedulers first; let them end before
    // the scenario measures anything.
    await Promise.all(schedulers.map((s) => waitUntilNoTurnRuns(s.metricsUrl, 120_000, 3)));
    const sessionSecret = randomBytes(24).toString('hex');
    // Production-like authentication: every bench client presents one long-lived JWT of one user, so the
    // per-user and per-address limits are lifted to far above the bench's own load.
    const identity = new DevIdentity();
    const credential = await identity.mint('bench-user', { expiresIn: '12h' });
    const gateways: Array<{ child: NodeProcess; url: string }> = [];
    for (let i = 0; i < options.gateways; i += 1) {
      const port = await freePort(HOST);
      const child = await spawnNode({
        name: `gateway-${i + 1}`,
        entry: 'apps/gateway/src/main.ts',
        tsconfig: 'apps/gateway/tsconfig.app.json',
        port,
        env: {
          GATEWAY_NODE_ID: `bench-gateway-${i + 1}`,
          GATEWAY_GROUP_INDEX: String(i),
          SESSION_SECRET: sessionSecret,
          ROCKETMQ_ENDPOINTS: endpoint,
          DRAIN_GRACE_MS: '0',
          ...identity.gatewayEnv(),
          ...UNLIMITED_ADMISSION,
        },
        stopGraceMs: 20_000,
      });
      children.push(child);
      gateways.push({ child, url: `http://${HOST}:${port}` });
    }
    return {
      name: 'litesession',
      gatewayUrls: gateways.map((g) => g.url),
      credential,
      gatewayPid: (index) => pidOf(gateways[index]!.child),
      infraProcesses: () => [
        ...schedulers.map((s, i) => ({
          name: i === 0 ? 'scheduler' : `scheduler-${i + 1}`,
          pid: pidOf(s.child),
        })),
        ...broker.processes,
      ],
      killGateway: (index) => killNode(gateways[index]!.child),
      gatewayMetricsUrl: (index) => `${gateways[index]!.url}/metrics`,
      schedulerTurns: (index) => runningTurns(schedulers[index]!.metricsUrl),
      killScheduler: async (index) => {
        killedSchedulers.add(index);
        await killNode(schedulers[index]!.child);
      },
      terminateScheduler: (index) => {
        killedSchedulers.add(index);
        void schedulers[index]!.child.stop();
      },
      waitIdle: async (timeoutMs) => {
        await Promise.all(alive().map((s) => waitUntilNoTurnRuns(s.metricsUrl, timeoutMs)));
      },
      stop: async () => {
        await Promise.all(children.map((child) => child.stop()));
      },
    };
  } catch (error) {
    await Promise.all(children.map((child) => child.stop()));
    throw error;
  }
}

/** Admission limits far above what the bench opens (its capacity ramp opens 10,000 sessions per node). */
const UNLIMITED_ADMISSION = {
  CONNECTIONS_PER_IP_PER_MINUTE: '1000000',
  NEW_SESSIONS_PER_IP_PER_MINUTE: '1000000',
  CONNECTIONS_PER_USER_PER_MINUTE: '1000000',
  NEW_SESSIONS_PER_USER_PER_MINUTE: '1000000',
  MAX_SESSIONS_PER_NODE: '1000000',
};

/**
 * Stopping the scheduler with turns running would leave their requests unacknowledged, and RocketMQ would
 * hand them to the next scenario's scheduler: wait until the cancelled turns have ended.
 */
async function waitUntilNoTurnRuns(metricsUrl: string, timeoutMs: number, idlePolls = 1): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idle = 0;
  while (Date.now() < deadline) {
    idle = (await runningTurns(metricsUrl).catch(() => undefined)) === 0 ? idle + 1 : 0;
    if (idle >= idlePolls) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** `litesession_scheduler_turns_running` of one scheduler's /metrics (undefined when it does not say). */
async function runningTurns(metricsUrl: string): Promise<number> {
  const samples = await scrape(metricsUrl);
  const running = samples.find((s) => s.name === 'litesession_scheduler_turns_running');
  if (running === undefined) throw new Error(`${metricsUrl} has no litesession_scheduler_turns_running`);
  return running.value;
}

async function processesOf(config: ToolConfig): Promise<InfraProcess[]> {
  const { roles } = await brokerStatus(config);
  return roles.flatMap((role) => (role.pid === undefined ? [] : [{ name: role.role, pid: role.pid }]));
}
