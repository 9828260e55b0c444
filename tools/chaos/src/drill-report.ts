import type { SessionAudit } from './log-audit';

/** One fault class's totals over its sessions. */
export interface PhaseReport extends SessionAudit {
  faultClass: string;
  faults: number;
  sessions: number;
}

const COUNTED = ['lost', 'duplicated', 'reordered', 'stuckTurns', 'mismatchedTurns'] as const;

export function summarize(faultClass: string, faults: number, audits: readonly SessionAudit[]): PhaseReport {
  const total: PhaseReport = {
    faultClass,
    faults,
    sessions: audits.length,
    turns: 0,
    events: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    stuckTurns: 0,
    mismatchedTurns: 0,
  };
  for (const audit of audits) {
    total.turns += audit.turns;
    total.events += audit.events;
    for (const key of COUNTED) total[key] += audit[key];
  }
  return total;
}

/** True when nothing was lost, repeated, reordered, left hanging or garbled. */
export function isClean(report: PhaseReport): boolean {
  return COUNTED.every((key) => report[key] === 0) && report.turns > 0;
}

/** The drill's one line per fault class. */
export function formatLine(report: PhaseReport): string {
  return (
    `${report.faultClass.padEnd(9)} faults=${report.faults} sessions=${report.sessions} turns=${report.turns} ` +
    `events=${report.events} lost=${report.lost} duplicated=${report.duplicated} reordered=${report.reordered} ` +
    `stuck=${report.stuckTurns} mismatched=${report.mismatchedTurns}`
  );
}
