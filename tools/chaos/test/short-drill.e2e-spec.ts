/**
 * The short chaos drill: 6 sessions chatting while gateway nodes, then schedulers, are SIGKILLed and
 * restarted. Every session's client view must match its log: nothing lost, repeated or reordered, no turn
 * left hanging or ending late, every completed reply equal to its tokens, every acknowledged send a turn.
 * The broker-side classes are in broker-drill.e2e-spec.ts; `npm run chaos` runs the long drill.
 */
import { formatLine, isClean } from '../src/drill-report';
import { runDrill } from '../src/drill';

describe('chaos drill (short)', () => {
  it('loses, repeats and reorders nothing and leaves no turn hanging while nodes are killed', async () => {
    const reports = await runDrill({
      faults: ['gateway', 'scheduler'],
      sessions: 6,
      faultSeconds: 30,
      faultIntervalSeconds: 8,
    });
    expect(reports.map((r) => r.faultClass)).toEqual(['gateway', 'scheduler']);
    for (const report of reports) {
      expect(report.faults).toBeGreaterThan(0);
      expect(report.turns).toBeGreaterThan(report.sessions);
      expect({ line: formatLine(report), clean: isClean(report) }).toEqual({
        line: formatLine(report),
        clean: true,
      });
    }
  });
});
