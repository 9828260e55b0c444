import { formatLine, isClean, type PhaseFindings, summarize } from './drill-report';
import type { SessionAudit } from './log-audit';
import { LIVENESS_BOUNDS } from './time-bounds';

const audit = (patch: Partial<SessionAudit> = {}): SessionAudit => ({
  turns: 10,
  events: 200,
  lost: 0,
  duplicated: 0,
  reordered: 0,
  stuckTurns: 0,
  mismatchedTurns: 0,
  unqueued: 0,
  shortReads: 0,
  ...patch,
});
const outage = { servers: ['broker'], killedAt: 10_000, restartRequestedAt: 13_000, backAt: 25_000 };

function findings(patch: Partial<PhaseFindings> = {}): PhaseFindings {
  return {
    faultClass: 'broker',
    outages: [outage, outage],
    audits: [audit(), audit({ unqueued: 1 })],
    recovery: { late: 0, recoverySeconds: 12.34 },
    untold: 0,
    newSessions: [
      { seconds: 2.5, detail: '' },
      { seconds: 4, detail: '' },
    ],
    ...patch,
  };
}

describe('phase report', () => {
  it('sums the sessions and faults and prints one line', () => {
    const report = summarize(findings());
    expect(report).toMatchObject({ faults: 2, sessions: 2, turns: 20, events: 400, unqueued: 1 });
    expect(formatLine(report)).toBe(
      'broker       faults=2 sessions=2 turns=20 events=400 lost=0 duplicated=0 reordered=0 stuck=0 ' +
        'mismatched=0 late=0 unqueued=1 untold=0 newSessionLate=0 recoverySeconds=12.3 newSessionSeconds=4.0',
    );
    expect(isClean(report)).toBe(false);
  });

  it('passes only with every count 0 and some turns', () => {
    const clean = findings({ audits: [audit()] });
    expect(isClean(summarize(clean))).toBe(true);
    expect(isClean(summarize({ ...clean, audits: [audit({ turns: 0 })] }))).toBe(false);
    expect(isClean(summarize({ ...clean, recovery: { late: 1, recoverySeconds: 61 } }))).toBe(false);
    expect(isClean(summarize({ ...clean, untold: 2 }))).toBe(false);
    const slow = summarize({ ...clean, newSessions: [{ seconds: 10.5, detail: '' }] });
    expect(slow.newSessionLate).toBe(1);
    expect(isClean(slow)).toBe(false);
  });

  it('counts late new sessions against the bounds it was given', () => {
    const clean = findings({ audits: [audit()], newSessions: [{ seconds: 30, detail: '' }] });
    expect(summarize(clean).newSessionLate).toBe(1);
    expect(summarize({ ...clean, bounds: LIVENESS_BOUNDS }).newSessionLate).toBe(0);
    expect(isClean(summarize({ ...clean, bounds: LIVENESS_BOUNDS }))).toBe(true);
    expect(summarize({ ...clean, bounds: { newSessionMs: 29_000, recoveryMs: 1 } }).newSessionLate).toBe(1);
  });

  it('shows short log reads only when there were some, and fails on them', () => {
    const short = summarize(findings({ audits: [audit(), audit({ shortReads: 1 })] }));
    expect(formatLine(short)).toContain(' newSessionLate=0 shortReads=1 recoverySeconds=');
    expect(isClean(short)).toBe(false);
  });

  it('reports untold sessions of the proxy and NameServer classes without failing them', () => {
    const report = summarize(findings({ faultClass: 'namesrv', audits: [audit()], untold: 3 }));
    expect(isClean(report)).toBe(true);
    expect(formatLine(report)).toContain(' untold=3(informational) ');
  });

  it('shows what a class does not measure as -, and a turn or new session that never came as never', () => {
    const gateway = summarize({
      faultClass: 'gateway',
      outages: [],
      audits: [audit()],
      recovery: { late: 1, recoverySeconds: Infinity },
    });
    expect(formatLine(gateway)).toMatch(
      / late=1 unqueued=0 untold=- newSessionLate=- recoverySeconds=never newSessionSeconds=-$/,
    );
    const gaveUp = summarize(findings({ newSessions: [{ seconds: Infinity, detail: 'no token' }] }));
    expect(gaveUp.newSessionLate).toBe(1);
    expect(formatLine(gaveUp)).toMatch(/ newSessionSeconds=never$/);
  });
});
