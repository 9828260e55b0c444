import { randomBytes } from 'node:crypto';
import {
  loadToolConfig,
  proxyEndpoint,
  start as startBroker,
  stop as stopBroker,
} from '@litesession/rocketmq-tools';
import {
  freePort,
  NodeProcess,
  type NodeProcessSpec,
  nodeSpecs,
  type StackNode,
} from '@litesession/stack-tools';
import { auditSession, readLog, type SessionAudit } from './log-audit';
import { formatLine, isClean, type PhaseReport, summarize } from './drill-report';
import { SessionDriver } from './session-driver';

export type FaultClass = 'gateway' | 'scheduler';

export interface DrillOptions {
  /** Fault classes, each run as its own phase with its own sessions. */
  faults: FaultClass[];
  /** Chatting sessions per phase. */
  sessions: number;
  /** How long faults are injected in each phase. */
  faultSeconds: number;
  /** Time between two faults. */
  faultIntervalSeconds: number;
}

const HOST = '127.0.0.1' as const;
const READY_TIMEOUT_MS = 60_000;

interface Node {
  spec: NodeProcessSpec;
  process: NodeProcess;
}

const log = (line: string) => console.log(`[chaos] ${line}`);

/**
 * The chaos drill: two gateway nodes and two schedulers on the local broker, `sessions` users chatting,
 * and for each fault class a phase of SIGKILL + restart of random nodes of that class. At the end each
 * session's client view is audited against its log. Returns one report per fault class.
 */
export async function runDrill(options: DrillOptions): Promise<PhaseReport[]> {
  const config = loadToolConfig();
  const broker = await startBroker(config);
  const nodes = await startNodes(proxyEndpoint(config));
  const reports: PhaseReport[] = [];
  try {
    for (const faultClass of options.faults) reports.push(await runPhase(faultClass, nodes, options));
  } finally {
    log('stopping the nodes');
    await Promise.all([...nodes.gateways, ...nodes.schedulers].map((node) => node.process.stop()));
    if (broker.started.length > 0) await stopBroker(config, broker.started);
  }
  for (const report of reports) log(formatLine(report));
  return reports;
}

export function drillPassed(reports: readonly PhaseReport[]): boolean {
  return reports.length > 0 && reports.every(isClean);
}

async function runPhase(faultClass: FaultClass, nodes: Nodes, options: DrillOptions): Promise<PhaseReport> {
  const urls = nodes.gateways.map((node) => node.spec.readyUrl.replace('/health/ready', ''));
  log(`${faultClass} phase: ${options.sessions} sessions, faults for ${options.faultSeconds} s`);
  const drivers = Array.from(
    { length: options.sessions },
    (_, i) => new SessionDriver(`${faultClass}-${i}`, urls),
  );
  await Promise.all(drivers.map((driver) => driver.start()));
  const targets = faultClass === 'gateway' ? nodes.gateways : nodes.schedulers;
  let faults = 0;
  const until = Date.now() + options.faultSeconds * 1000;
  while (Date.now() < until) {
    await sleep(options.faultIntervalSeconds * 1000);
    const victim = targets[Math.floor(Math.random() * targets.length)] as Node;
    log(`SIGKILL ${victim.spec.name} (pid ${victim.process.pid}); turns so far ${countTurns(drivers)}`);
    victim.process.kill();
    await victim.process.exited;
    faults += 1;
    await sleep(1000);
    victim.process = NodeProcess.spawn(victim.spec);
    await victim.process.waitReady(READY_TIMEOUT_MS);
    log(`${victim.spec.name} is back (pid ${victim.process.pid})`);
  }
  log(`${faultClass} phase: faults over; letting the turns in flight end`);
  await Promise.all(drivers.map((driver) => driver.stop()));
  log(`${faultClass} phase: auditing ${drivers.length} sessions against their logs`);
  const audits: SessionAudit[] = [];
  for (const driver of drivers)
    audits.push(auditSession(driver.record.received, await readLog(driver.record, urls)));
  return summarize(faultClass, faults, audits);
}

interface Nodes {
  gateways: Node[];
  schedulers: Node[];
}

async function startNodes(rocketmqEndpoint: string): Promise<Nodes> {
  const sessionSecret = randomBytes(24).toString('hex');
  const node = async (id: string): Promise<StackNode> => ({ id, port: await freePort(HOST) });
  const [g1, g2, s1, s2] = await Promise.all([
    node('chaos-g1'),
    node('chaos-g2'),
    node('chaos-s1'),
    node('chaos-s2'),
  ]);
  const base = { host: HOST, balancerPort: 0, sessionSecret, secretSource: 'generated' as const };
  const specs = [
    ...nodeSpecs(
      { ...base, gateways: [g1, g2] as StackNode[], scheduler: s1 as StackNode },
      rocketmqEndpoint,
    ),
    ...nodeSpecs({ ...base, gateways: [], scheduler: s2 as StackNode }, rocketmqEndpoint),
  ];
  const started = specs.map((spec) => ({ spec, process: NodeProcess.spawn(spec) }));
  await Promise.all(started.map((n) => n.process.waitReady(READY_TIMEOUT_MS)));
  log(`nodes ready: ${started.map((n) => `${n.spec.name} (pid ${n.process.pid})`).join(', ')}`);
  return {
    gateways: started.filter((n) => n.spec.name.includes('-g')),
    schedulers: started.filter((n) => n.spec.name.includes('-s')),
  };
}

function countTurns(drivers: readonly SessionDriver[]): number {
  return drivers.reduce((sum, driver) => sum + driver.record.turnsSent, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
