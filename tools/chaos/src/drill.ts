import path from 'node:path';
import {
  loadToolConfig,
  proxyEndpoint,
  start as startBroker,
  stop as stopBroker,
  type ToolConfig,
} from '@litesession/rocketmq-tools';
import { DevIdentity } from '@litesession/stack-tools';
import { restoreCluster } from './broker-faults';
import { formatLine, isClean, type PhaseReport } from './drill-report';
import { isBrokerSide } from './fault-classes';
import { runPhase } from './phase';
import { log, pause } from './progress';
import { createRunFolder } from './run-folder';
import { type Nodes, startNodes, stopNodes } from './stack-nodes';

export type { FaultClass } from './fault-classes';
export { ISSUE_BOUNDS, type TimeBounds } from './time-bounds';
export type { DrillOptions } from './drill-options';
import type { DrillOptions } from './drill-options';

/** Waiting before the one retry of restoring the cluster at the end. */
const RESTORE_RETRY_DELAY_MS = 5_000;

/**
 * The chaos drill: two gateway nodes and two schedulers on the local RocketMQ cluster (the one
 * `loadToolConfig()` names: `ROCKETMQ_*` settings, else the default ports), `sessions` users chatting,
 * and for each fault class a phase of SIGKILL + restart: of random app nodes (`gateway`, `scheduler`)
 * or of the cluster's own servers (`broker`, `proxy`, `namesrv`, `broker+proxy`). At the end each
 * session's client view is audited against its log. Returns one report per fault class.
 *
 * Broker-side phases kill servers of that cluster, which may be the one the rest of `npm test` uses:
 * every fault restarts what it killed before the next one, and on the way out, whatever failed, the
 * drill starts whatever is missing again and checks that the whole cluster runs (it throws if not).
 */
export async function runDrill(options: DrillOptions): Promise<PhaseReport[]> {
  const config = loadToolConfig();
  const outputDir = createRunFolder();
  const broker = await startBroker(config);
  const identity = new DevIdentity();
  const reports: PhaseReport[] = [];
  let nodes: Nodes | undefined;
  let restoreError: unknown;
  log(`the nodes' output goes to ${path.relative(process.cwd(), outputDir) || outputDir}`);
  try {
    nodes = await startNodes(proxyEndpoint(config), identity, outputDir, log);
    for (const faultClass of options.faults) {
      if (options.signal?.aborted) break;
      reports.push(await runPhase(faultClass, { config, nodes, identity, options }));
    }
  } finally {
    if (options.faults.some(isBrokerSide)) restoreError = await leaveClusterRunning(config);
    log('stopping the nodes');
    if (nodes) await stopNodes(nodes);
    if (broker.started.length > 0) await stopBroker(config, broker.started);
  }
  if (restoreError !== undefined) throw restoreError;
  for (const report of reports) console.log(`[chaos] ${formatLine(report)}`);
  return reports;
}

export function drillPassed(reports: readonly PhaseReport[]): boolean {
  return reports.length > 0 && reports.every(isClean);
}

/** Starts what is missing of the cluster (once more after a pause if that fails); returns the error if it stays down. */
async function leaveClusterRunning(config: ToolConfig): Promise<unknown> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await restoreCluster(config);
      log('the RocketMQ cluster is running (every server started and ready)');
      return undefined;
    } catch (error) {
      log(`restoring the RocketMQ cluster failed (attempt ${attempt}): ${String(error)}`);
      if (attempt === 2) return error;
      await pause(RESTORE_RETRY_DELAY_MS);
    }
  }
}
