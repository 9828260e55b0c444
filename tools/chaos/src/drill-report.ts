import { type FaultClass, isBrokerSide, untoldFailsClass } from './fault-classes';
import type { SessionAudit } from './log-audit';
import type { NewSessionResult } from './new-session-probe';
import { ISSUE_BOUNDS, type TimeBounds } from './time-bounds';
import type { Outage } from './outage';
import type { Recovery } from './recovery';

/** What one phase found, before it is summed up. */
export interface PhaseFindings {
  faultClass: FaultClass;
  outages: readonly Outage[];
  audits: readonly SessionAudit[];
  recovery: Recovery;
  /** Broker-side classes: sessions connected during an outage and not told within 5 s. */
  untold?: number;
  /** Broker-side classes: the new session opened after each outage. */
  newSessions?: readonly NewSessionResult[];
  /** What `newSessionLate` is counted against (`late` is counted by `recovery`). @default ISSUE_BOUNDS */
  bounds?: TimeBounds;
}

/** One fault class's totals over its sessions and faults. */
export interface PhaseReport extends SessionAudit {
  faultClass: FaultClass;
  faults: number;
  sessions: number;
  /** Turns open during an outage that had not ended within the recovery bound after it was back. */
  late: number;
  /** The worst time from an outage's end to the last ending of a turn open during it (Infinity: never). */
  recoverySeconds: number;
  /** Undefined where not measured (the gateway and scheduler classes). */
  untold: number | undefined;
  /** Whether `untold` decides the verdict (see `untoldFailsClass`). */
  untoldFails: boolean;
  /** New sessions whose first token came later than the bound after the outage (or not within 60 s). */
  newSessionLate: number | undefined;
  /** The slowest of them, from the outage's end to the first token (Infinity: gave up). */
  newSessionSeconds: number | undefined;
  outages: Outage[];
}

const COUNTED = [
  'lost',
  'duplicated',
  'reordered',
  'stuckTurns',
  'mismatchedTurns',
  'unqueued',
  'shortReads',
] as const satisfies ReadonlyArray<keyof SessionAudit>;

export function summarize(findings: PhaseFindings): PhaseReport {
  const { faultClass, audits, recovery, newSessions } = findings;
  const total: PhaseReport = {
    faultClass,
    faults: findings.outages.length,
    sessions: audits.length,
    turns: 0,
    events: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    stuckTurns: 0,
    mismatchedTurns: 0,
    unqueued: 0,
    shortReads: 0,
    late: recovery.late,
    recoverySeconds: recovery.recoverySeconds,
    untold: findings.untold,
    untoldFails: isBrokerSide(faultClass) && untoldFailsClass(faultClass),
    newSessionLate: newSessions?.filter(
      (n) => n.seconds * 1000 > (findings.bounds ?? ISSUE_BOUNDS).newSessionMs,
    ).length,
    newSessionSeconds: newSessions && Math.max(0, ...newSessions.map((n) => n.seconds)),
    outages: [...findings.outages],
  };
  for (const audit of audits) {
    total.turns += audit.turns;
    total.events += audit.events;
    for (const key of COUNTED) total[key] += audit[key];
  }
  return total;
}

/**
 * True when nothing was lost, repeated, reordered, left hanging, garbled or dropped after its
 * acknowledgement, every log could be read whole, every turn ended in time, new sessions worked in time
 * and (where it decides) every connected session was told of the outage.
 */
export function isClean(report: PhaseReport): boolean {
  return (
    COUNTED.every((key) => report[key] === 0) &&
    report.late === 0 &&
    (report.newSessionLate ?? 0) === 0 &&
    (!report.untoldFails || (report.untold ?? 0) === 0) &&
    report.turns > 0
  );
}

/** The drill's one line per fault class; `-` where a figure is not measured for the class. */
export function formatLine(report: PhaseReport): string {
  const untold =
    report.untold === undefined ? '-' : `${report.untold}${report.untoldFails ? '' : '(informational)'}`;
  return (
    `${report.faultClass.padEnd(12)} faults=${report.faults} sessions=${report.sessions} turns=${report.turns} ` +
    `events=${report.events} lost=${report.lost} duplicated=${report.duplicated} reordered=${report.reordered} ` +
    `stuck=${report.stuckTurns} mismatched=${report.mismatchedTurns} late=${report.late} ` +
    `unqueued=${report.unqueued} untold=${untold} newSessionLate=${report.newSessionLate ?? '-'} ` +
    (report.shortReads > 0 ? `shortReads=${report.shortReads} ` : '') +
    `recoverySeconds=${seconds(report.recoverySeconds)} newSessionSeconds=${seconds(report.newSessionSeconds)}`
  );
}

function seconds(value: number | undefined): string {
  if (value === undefined) return '-';
  return Number.isFinite(value) ? value.toFixed(1) : 'never';
}
