/**
 * `npm start`: the whole local LiteSession stack in the foreground: the RocketMQ 5.5 cluster, two gateway
 * nodes, the LLM scheduler and a dev balancer in front of the gateways. Ctrl-C (or SIGTERM) stops what this
 * run started, each child by its own pid; the broker keeps running if it was already running before.
 *
 * package.json runs it as `node --import tsx`, in this process: the `tsx` command would run it in a child
 * whose signals it relays, so a terminal's Ctrl-C arrived twice (and tsx SIGKILLs a child that is slow
 * to acknowledge a relayed signal, which would leave the nodes running).
 */
import path from 'node:path';
import {
  loadToolConfig,
  namesrvAddress,
  proxyEndpoint,
  start,
  status,
  stop,
  type ClusterInfo,
  type Role,
  type ToolConfig,
} from '@litesession/rocketmq-tools';
import { buildDemoPage } from './demo-page';
import { type DevBalancer, startDevBalancer } from './dev-balancer';
import { describeExit, NodeProcess } from './node-process';
import { requireFreePorts } from './ports';
import { DEV_GATEWAY_ENV, nodeSpecs, requireAppSources, ROOT } from './stack-apps';
import { loadStackConfig, type StackConfig } from './stack-config';
import { toMessage } from '@litesession/edge/errors';
import { startLocalModel, type StackLlm, SIMULATED_LLM } from './local-model';

/** swc-node compiles each app on its first start; three at once on two cores take a while. */
const READY_TIMEOUT_MS = 120_000;

const say = (message: string) => process.stderr.write(`[stack] ${message}\n`);

/** What this run started, so that a stop undoes exactly that. */
class RunningStack {
  nodes: NodeProcess[] = [];
  balancer: DevBalancer | undefined;
  brokerRoles: Role[] = [];
  /** Resolves with the reason on Ctrl-C, SIGTERM or an internal error. */
  readonly stopRequested: Promise<string>;
  failed = false;
  private stopping = false;

  constructor(private readonly rocketmq: ToolConfig) {
    this.stopRequested = new Promise((resolve) => {
      let firstSignalAt = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        if (!this.stopping) {
          [this.stopping, firstSignalAt] = [true, Date.now()];
          say(`${signal}: stopping (press Ctrl-C again to kill the nodes at once)`);
          return resolve(signal);
        }
        if (Date.now() - firstSignalAt < 1000) return; // the same Ctrl-C, delivered twice
        say(`${signal} again: killing the nodes`);
        for (const node of this.nodes) node.kill();
      };
      // SIGHUP too: a closed terminal must not leave the nodes running (they are in their own sessions).
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
      // A bug in the stack itself still stops what it started, the broker included.
      process.on('uncaughtException', (error) => {
        say(`internal error: ${error.stack ?? error.message}`);
        if (this.stopping) process.exit(1); // the 'exit' hook below still kills the nodes
        this.failed = this.stopping = true;
        resolve('internal error');
      });
    });
    // Last resort: no node outlives the stack (they run in their own process groups).
    process.on('exit', () => this.nodes.forEach((node) => node.kill()));
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.balancer?.close();
    const running = this.nodes.filter((node) => node.running);
    if (running.length > 0)
      say(`stopping ${running.map((node) => node.name).join(', ')} (graceful, up to 30 s)`);
    await Promise.all(
      running.map(async (node) => say(`${node.name} stopped (pid ${node.pid}, ${await node.stop()})`)),
    );
    if (this.brokerRoles.length > 0) await stop(this.rocketmq, this.brokerRoles);
  }
}

async function main(): Promise<number> {
  const config = loadStackConfig(process.env, process.argv.slice(2));
  const rocketmq = loadToolConfig();
  requireAppSources();
  await requireFreePorts(config.host, [
    [config.balancerPort, 'dev balancer, STACK_PORT'],
    ...config.gateways.map(({ id, port }): [number, string] => [port, `${id}, STACK_GATEWAY_PORTS`]),
    [config.scheduler.port, `${config.scheduler.id}, STACK_SCHEDULER_PORT`],
    ...(config.model === 'local'
      ? [[config.modelPort, 'local model server, STACK_MODEL_PORT'] as [number, string]]
      : []),
  ]);
  const stack = new RunningStack(rocketmq);
  try {
    say('building the demo page (apps/demo) while the broker starts');
    const demoBuild = buildDemoPage(); // esbuild, well under a second; never rejects
    const broker = await startBroker(stack, rocketmq);
    const demoFailure = await demoBuild;
    if (demoFailure) say(`the demo page did not build; the stack starts without it:\n${demoFailure}`);
    if (stack.isStopping) return stack.failed ? 1 : 0;
    let llm: StackLlm = SIMULATED_LLM;
    if (config.model === 'local') {
      const local = await startLocalModel(config, say);
      stack.nodes.push(local.server);
      llm = local.llm;
      if (stack.isStopping) return stack.failed ? 1 : 0;
    }
    say('starting the gateway nodes and the scheduler from sources');
    stack.nodes.push(
      ...nodeSpecs(config, proxyEndpoint(rocketmq), DEV_GATEWAY_ENV, llm.env).map((spec) =>
        // Someone reads these lines at a terminal: pretty ones, unless LOG_FORMAT says otherwise.
        NodeProcess.spawn({
          ...spec,
          env: { ...spec.env, LOG_FORMAT: process.env['LOG_FORMAT'] || 'pretty' },
        }),
      ),
    );
    const ready = Promise.all(stack.nodes.map((node) => node.waitReady(READY_TIMEOUT_MS)));
    if ((await Promise.race([ready.then(() => 'ready' as const), stack.stopRequested])) !== 'ready')
      return stack.failed ? 1 : 0;
    stack.balancer = await startDevBalancer({
      host: config.host,
      port: config.balancerPort,
      backends: config.gateways.map(({ port }) => `http://${config.host}:${port}`),
    });
    printSummary(config, rocketmq, broker, stack, demoFailure === undefined, llm);
    reportUnexpectedExits(stack);
    await stack.stopRequested;
    return stack.failed ? 1 : 0;
  } catch (error) {
    say(`could not start the stack: ${toMessage(error)}`);
    return 1;
  } finally {
    say('stopping what this run started');
    await stack.stop();
  }
}

/**
 * `start()` of the broker, remembering which servers this run started, also when it fails half-way (they
 * are stopped with the rest). Not interruptible: a Ctrl-C now stops the servers once they are up.
 */
async function startBroker(stack: RunningStack, rocketmq: ToolConfig): Promise<ClusterInfo> {
  const runningBefore = await runningRoles(rocketmq);
  try {
    const info = await start(rocketmq);
    stack.brokerRoles = info.started;
    return info;
  } catch (error) {
    const runningNow = await runningRoles(rocketmq);
    stack.brokerRoles = runningNow.filter((role) => !runningBefore.includes(role));
    throw error;
  }
}

async function runningRoles(rocketmq: ToolConfig): Promise<Role[]> {
  return (await status(rocketmq)).roles.filter((role) => role.pid !== undefined).map((role) => role.role);
}

function reportUnexpectedExits(stack: RunningStack): void {
  for (const node of stack.nodes) {
    void node.exited.then((exit) => {
      if (stack.isStopping) return;
      say(
        `${node.name} exited (${describeExit(exit)}); the rest keeps running. Its last lines:\n${node.lastLines()}`,
      );
    });
  }
}

function printSummary(
  config: StackConfig,
  rocketmq: ToolConfig,
  broker: ClusterInfo,
  stack: RunningStack,
  demoBuilt: boolean,
  llm: StackLlm,
): void {
  const clientUrl = stack.balancer?.url ?? '';
  const url = (port: number, route: string) => `http://${config.host}:${port}${route}`;
  const pids = new Map(stack.nodes.map((node) => [node.name, node.pid]));
  const nodeLines = [...config.gateways, config.scheduler].map(
    ({ id, port }) =>
      `  ${id.padEnd(12)} pid ${String(pids.get(id) ?? '?').padEnd(8)} ${url(port, '/health/ready').padEnd(36)} ${url(port, '/metrics')}`,
  );
  const [firstGateway] = config.gateways;
  console.log(`
LiteSession local stack is up
  Demo:        ${demoBuilt ? `${clientUrl}/   open it in a browser and chat` : 'not built (see the build error above)'}
  Clients:     ${clientUrl}   Socket.IO with transports: ['websocket'] (round-robin over ${config.gateways.map((g) => g.id).join(', ')})
${nodeLines.join('\n')}
  Kill a node: kill -9 <pid>, e.g. kill -9 ${pids.get(firstGateway?.id ?? '') ?? '<pid>'} (${firstGateway?.id}) while a reply streams: the page moves to another node
  RocketMQ ${broker.version}: gRPC ${proxyEndpoint(rocketmq)}, NameServer ${namesrvAddress(rocketmq)}; ${
    broker.started.length > 0
      ? `started now (${broker.started.join(', ')}), stopped on exit`
      : 'was already running, left running on exit'
  }
  Broker logs: ${path.relative(ROOT, path.join(rocketmq.dir, 'logs')) || rocketmq.dir}
  Model:       ${llm.description}
  Auth:        anonymous mode (development only: anyone who reaches the nodes can open sessions; docs/security.md)
  SESSION_SECRET: ${config.secretSource === 'generated' ? 'random for this run (set SESSION_SECRET to keep resume tokens valid across runs)' : 'from the environment'}
  Stop: Ctrl-C
`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(toMessage(error));
    process.exit(1);
  },
);
