import type { ToolConfig } from '@litesession/rocketmq-tools';
import type { DevIdentity } from '@litesession/stack-tools';
import { injectBrokerFault } from './broker-faults';
import type { DrillOptions } from './drill-options';
import { type PhaseReport, summarize } from './drill-report';
import {
  type BrokerSideFault,
  type FaultClass,
  isBrokerSide,
  type NodeFault,
  serversOf,
} from './fault-classes';
import { auditDetails, auditSession, readLog } from './log-audit';
import { type NewSessionResult, probeNewSession } from './new-session-probe';
import { restartNode } from './node-faults';
import { describeOutage, type Outage } from './outage';
import { log, pause } from './progress';
import { recoveryOf } from './recovery';
import { ISSUE_BOUNDS } from './time-bounds';
import { SessionDriver } from './session-driver';
import { type Node, type Nodes, gatewayUrls, restartNodes } from './stack-nodes';
import { countUntold, wasTold } from './told';

/** What a phase works with. */
export interface DrillContext {
  config: ToolConfig;
  nodes: Nodes;
  identity: DevIdentity;
  options: DrillOptions;
}

/**
 * After a broker-side phase's last fault, how long its sessions' turns may still run beyond the recovery
 * bound before the drill stops waiting, so that a late turn is told from one that never ends.
 */
const DRAIN_BEYOND_BOUND_MS = 10_000;
/** How long a phase waits for its sessions to connect before it starts the faults anyway. */
const CONNECT_TIMEOUT_MS = 60_000;
/** After the log is read, how long a session's client may take to resume and deliver the rest of it. */
const CATCH_UP_TIMEOUT_MS = 15_000;
/** Before a broker-side phase: how long the check of a new session waits for its first token. */
const BASELINE_GIVE_UP_MS = 20_000;

/**
 * One fault class: fresh sessions chat while faults of the class are injected; then the turns in
 * flight end, every session's view is audited against its log, and the phase is summed up.
 */
export async function runPhase(faultClass: FaultClass, drill: DrillContext): Promise<PhaseReport> {
  const { options, identity } = drill;
  const bounds = options.bounds ?? ISSUE_BOUNDS;
  const urls = gatewayUrls(drill.nodes);
  const brokerSide = isBrokerSide(faultClass);
  log(
    `${faultClass} phase: ${options.sessions} sessions, faults for ${options.faultSeconds} s` +
      (brokerSide
        ? `; bounds: new session ${bounds.newSessionMs / 1000} s, turns ${bounds.recoveryMs / 1000} s`
        : ''),
  );
  if (brokerSide) await requireServingStack(faultClass, drill);
  const drivers = Array.from(
    { length: options.sessions },
    (_, i) => new SessionDriver(`${faultClass}-${i}`, urls, () => identity.mint(`chaos-user-${i}`)),
  );
  const connected = await Promise.all(drivers.map((driver) => driver.start(CONNECT_TIMEOUT_MS)));
  const waiting = connected.filter((c) => !c).length;
  if (waiting > 0)
    log(
      `${faultClass} phase: ${waiting} sessions not connected after ${CONNECT_TIMEOUT_MS / 1000} s; faults start anyway`,
    );
  const outages: Outage[] = [];
  const newSessions: NewSessionResult[] = [];
  try {
    if (brokerSide) await brokerFaults(faultClass, drill, drivers, outages, newSessions);
    else await nodeFaults(faultClass, drill, drivers, outages);
  } catch (error) {
    await Promise.all(drivers.map((driver) => driver.stop(Date.now())));
    throw error;
  }
  log(`${faultClass} phase: faults over; letting the turns in flight end`);
  const lastBackAt = outages.at(-1)?.backAt ?? Date.now();
  await Promise.all(
    drivers.map((driver) =>
      driver.stop(brokerSide ? lastBackAt + bounds.recoveryMs + DRAIN_BEYOND_BOUND_MS : undefined),
    ),
  );
  log(`${faultClass} phase: auditing ${drivers.length} sessions against their logs`);
  const audits = await Promise.all(
    drivers.map(async (driver) => {
      const { record } = driver;
      const acked = record.acked.map((turn) => turn.turnId);
      // A session that never connected has no log to read (a reader would open a new session).
      const sessionLog = record.sessionId === undefined ? [] : await readLog(record, urls, driver.token);
      // What the log holds, the session's client must get: resumed, it receives what was written after it
      // closed (one connection at a time, as a user's would be).
      await driver.catchUp(sessionLog.at(-1)?.seq ?? -1, CATCH_UP_TIMEOUT_MS);
      for (const line of auditDetails(record.received, sessionLog, acked))
        log(`${faultClass} session ${record.sessionId}: ${line}`);
      return auditSession(record.received, sessionLog, acked);
    }),
  );
  const turns = drivers.flatMap((driver) => driver.turnTimings());
  const timelines = drivers.map((driver) => driver.record.timeline);
  outages.forEach((outage, i) => {
    const told = timelines.map((timeline) => wasTold(timeline, outage));
    const toldLine = `told ${told.filter((t) => t === true).length}/${told.filter((t) => t !== undefined).length} connected sessions; `;
    log(
      `${faultClass} fault ${i + 1}: ${describeOutage(outage)}; ${brokerSide ? toldLine : ''}` +
        `turns open during it ended ${recoveryText(recoveryOf([outage], turns).recoverySeconds)}`,
    );
  });
  const failures = drivers.flatMap((driver) => driver.record.sendFailures);
  if (failures.length > 0) log(`${faultClass} phase: sends given up: ${failures.join(', ')}`);
  return summarize({
    faultClass,
    outages,
    audits,
    recovery: recoveryOf(outages, turns, bounds.recoveryMs),
    bounds,
    ...(brokerSide ? { untold: countUntold(outages, timelines), newSessions } : {}),
  });
}

/** Kills a random node of the class every interval and restarts it (a second later), until time is up. */
async function nodeFaults(
  faultClass: NodeFault,
  drill: DrillContext,
  drivers: readonly SessionDriver[],
  outages: Outage[],
): Promise<void> {
  const { options, nodes } = drill;
  const targets = faultClass === 'gateway' ? nodes.gateways : nodes.schedulers;
  const until = Date.now() + options.faultSeconds * 1000;
  while (Date.now() < until && !options.signal?.aborted) {
    await pause(options.faultIntervalSeconds * 1000, options.signal);
    if (options.signal?.aborted) break;
    const victim = targets[Math.floor(Math.random() * targets.length)] as Node;
    log(`SIGKILL ${victim.spec.name} (pid ${victim.process.pid}); turns so far ${countTurns(drivers)}`);
    outages.push(await restartNode(victim));
    log(`${victim.spec.name} is back (pid ${victim.process.pid})`);
  }
}

/**
 * Kills the class's servers, restarts them, then opens a new session and times its first token; the
 * next kill comes an interval after the servers were back. Faults start only within the phase's time.
 */
async function brokerFaults(
  faultClass: BrokerSideFault,
  drill: DrillContext,
  drivers: readonly SessionDriver[],
  outages: Outage[],
  newSessions: NewSessionResult[],
): Promise<void> {
  const { options, config, identity } = drill;
  const urls = gatewayUrls(drill.nodes);
  const intervalMs = options.faultIntervalSeconds * 1000;
  const until = Date.now() + options.faultSeconds * 1000;
  let next = Date.now() + intervalMs;
  while (next < until && !options.signal?.aborted) {
    await pause(next - Date.now(), options.signal);
    if (options.signal?.aborted) break;
    log(`SIGKILL ${serversOf(faultClass).join(' + ')}; turns so far ${countTurns(drivers)}`);
    const outage = await injectBrokerFault(config, faultClass);
    outages.push(outage);
    log(`${describeOutage(outage)}; opening a new session`);
    const user = `chaos-new-session-${faultClass}-${outages.length}`;
    const probe = await probeNewSession(urls, () => identity.mint(user), outage.backAt);
    newSessions.push(probe);
    log(`new session after the restart: first token ${firstTokenText(probe)} (${probe.detail})`);
    next = Math.max(Date.now(), outage.backAt + intervalMs);
  }
}

/**
 * Checks that a new session works before a broker-side phase, and restarts the app nodes when it does
 * not: an earlier phase may have left them broken (its own report says so), and each class is to be
 * measured on its own fault.
 */
async function requireServingStack(faultClass: BrokerSideFault, drill: DrillContext): Promise<void> {
  const check = () =>
    probeNewSession(
      gatewayUrls(drill.nodes),
      () => drill.identity.mint(`chaos-baseline-${faultClass}`),
      Date.now(),
      BASELINE_GIVE_UP_MS,
    );
  const before = await check();
  if (before.seconds * 1000 <= (drill.options.bounds ?? ISSUE_BOUNDS).newSessionMs) return;
  log(
    `${faultClass} phase: before any fault, a new session's first token came ${firstTokenText(before)} ` +
      `(${before.detail}); restarting the nodes so that this phase starts on a working stack`,
  );
  await restartNodes(drill.nodes);
  const restarted = await check();
  log(
    `${faultClass} phase: after restarting the nodes, a new session's first token came ` +
      `${firstTokenText(restarted)} (${restarted.detail})`,
  );
}

function firstTokenText(probe: NewSessionResult): string {
  return Number.isFinite(probe.seconds) ? `after ${probe.seconds.toFixed(1)} s` : 'never';
}

function recoveryText(seconds: number): string {
  return Number.isFinite(seconds)
    ? `within ${seconds.toFixed(1)} s of it being back`
    : 'not all (one never ended)';
}

function countTurns(drivers: readonly SessionDriver[]): number {
  return drivers.reduce((sum, driver) => sum + driver.record.turnsSent, 0);
}
