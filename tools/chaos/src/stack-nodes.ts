import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  type DevIdentity,
  freePort,
  NodeProcess,
  type NodeProcessSpec,
  nodeSpecs,
  type StackNode,
} from '@litesession/stack-tools';
import { toMessage } from '@litesession/edge/errors';

const HOST = '127.0.0.1' as const;
/** Sends a node's output to its file in the run folder (see the file for why). */
const OUTPUT_PRELOAD = path.join(__dirname, 'node-output.cjs');
/** How long a node may take to answer `/health/ready`, at start and after a restart. */
export const READY_TIMEOUT_MS = 60_000;

/** One app process of the drill; `process` is replaced when the drill restarts it. */
export interface Node {
  spec: NodeProcessSpec;
  process: NodeProcess;
}

/** The drill's two gateway nodes and two schedulers. */
export interface Nodes {
  gateways: Node[];
  schedulers: Node[];
}

/** The gateway URLs the sessions connect to. */
export function gatewayUrls(nodes: Nodes): string[] {
  return nodes.gateways.map((node) => node.spec.readyUrl.replace('/health/ready', ''));
}

/**
 * The drill's gateways verify JWTs of its own identity provider, with limits that a few dozen users
 * reconnecting after every fault from 127.0.0.1 never reach.
 */
function drillGatewayEnv(identity: DevIdentity): Record<string, string> {
  return {
    ...identity.gatewayEnv(),
    CONNECTIONS_PER_IP_PER_MINUTE: '100000',
    NEW_SESSIONS_PER_IP_PER_MINUTE: '100000',
    CONNECTIONS_PER_USER_PER_MINUTE: '100000',
    NEW_SESSIONS_PER_USER_PER_MINUTE: '100000',
  };
}

/** A node's spec with its output going to `<outputDir>/<name>.log` instead of the terminal. */
function toFile(spec: NodeProcessSpec, outputDir: string): NodeProcessSpec {
  return {
    ...spec,
    args: ['-r', OUTPUT_PRELOAD, ...spec.args],
    env: { ...spec.env, CHAOS_NODE_OUTPUT: path.join(outputDir, `${spec.name}.log`) },
    relayOutput: false,
  };
}

/**
 * Starts two gateways and two schedulers on `rocketmqEndpoint` and waits until all four are ready. Their
 * output goes to one file each in `outputDir`.
 */
export async function startNodes(
  rocketmqEndpoint: string,
  identity: DevIdentity,
  outputDir: string,
  log: (line: string) => void,
): Promise<Nodes> {
  const sessionSecret = randomBytes(24).toString('hex');
  const gatewayEnv = drillGatewayEnv(identity);
  const node = async (id: string): Promise<StackNode> => ({ id, port: await freePort(HOST) });
  const [g1, g2, s1, s2] = await Promise.all([
    node('chaos-g1'),
    node('chaos-g2'),
    node('chaos-s1'),
    node('chaos-s2'),
  ]);
  // The drill's faults are about RocketMQ and our nodes, so the simulated model answers (steady, fast).
  const base = {
    host: HOST,
    balancerPort: 0,
    sessionSecret,
    secretSource: 'generated' as const,
    model: 'simulated' as const,
    modelPort: 0,
  };
  const specs = [
    ...nodeSpecs(
      { ...base, gateways: [g1, g2] as StackNode[], scheduler: s1 as StackNode },
      rocketmqEndpoint,
      gatewayEnv,
    ),
    ...nodeSpecs({ ...base, gateways: [], scheduler: s2 as StackNode }, rocketmqEndpoint, gatewayEnv),
  ];
  const started = specs
    .map((spec) => toFile(spec, outputDir))
    .map((spec) => ({ spec, process: NodeProcess.spawn(spec) }));
  const nodes = {
    gateways: started.filter((n) => n.spec.name.includes('-g')),
    schedulers: started.filter((n) => n.spec.name.includes('-s')),
  };
  try {
    await waitReady(started);
  } catch (error) {
    await stopNodes(nodes);
    throw error;
  }
  log(
    `nodes ready on RocketMQ ${rocketmqEndpoint}: ` +
      started.map((n) => `${n.spec.name} (pid ${n.process.pid})`).join(', '),
  );
  return nodes;
}

export async function stopNodes(nodes: Nodes): Promise<void> {
  await Promise.all(all(nodes).map((node) => node.process.stop()));
}

/** Stops every node (SIGTERM, as a deployment would) and starts it again, ready. */
export async function restartNodes(nodes: Nodes): Promise<void> {
  await stopNodes(nodes);
  for (const node of all(nodes)) node.process = NodeProcess.spawn(node.spec);
  await waitReady(all(nodes));
}

function all(nodes: Nodes): Node[] {
  return [...nodes.gateways, ...nodes.schedulers];
}

/** Waits until every node is ready; a failure names the file with the node's output. */
async function waitReady(nodes: readonly Node[]): Promise<void> {
  await Promise.all(
    nodes.map((node) =>
      node.process.waitReady(READY_TIMEOUT_MS).catch((error: unknown) => {
        const output = node.spec.env['CHAOS_NODE_OUTPUT'] ?? '(not kept)';
        throw new Error(`${toMessage(error)}\nIts output: ${output}`);
      }),
    ),
  );
}
