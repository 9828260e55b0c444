import type { PathName, ResumeResult } from '../results';
import { median } from '../measure/stats';
import { formatMs, formatNumber, markdownTable, PATH_SHORT_LABELS } from './format';

/** One cell of the resume matrix on one path: the medians over its runs. */
export interface ResumeCell {
  path: PathName;
  sessions: number;
  /** The log length asked for (0: as the warm-up left it). */
  depth: number;
  runs: number;
  /** Median over runs of the shortest log at the kill. */
  logEvents: number | undefined;
  p50: number | undefined;
  p99: number | undefined;
  max: number | undefined;
  /** Over all runs: sessions that resumed, of those that streamed. */
  resumed: number;
  streamed: number;
  lost: number;
}

/** Groups the runs by (path, sessions, depth) in the order they first appear. */
export function resumeCells(results: readonly ResumeResult[]): ResumeCell[] {
  const cells = new Map<string, ResumeResult[]>();
  for (const result of results) {
    const depth = result.askedLogEvents ?? 0;
    const key = `${result.path}|${result.sessions}|${depth}`;
    cells.set(key, [...(cells.get(key) ?? []), result]);
  }
  return [...cells.values()].map((runs) => {
    const first = runs[0] as ResumeResult;
    const resumable = runs.filter((run) => run.resume.count > 0);
    return {
      path: first.path,
      sessions: first.sessions,
      depth: first.askedLogEvents ?? 0,
      runs: runs.length,
      logEvents: median(runs.map((run) => run.logEvents ?? 0)),
      p50: median(resumable.map((run) => run.resume.p50)),
      p99: median(resumable.map((run) => run.resume.p99)),
      max: median(resumable.map((run) => run.resume.max)),
      resumed: runs.reduce((total, run) => total + run.resumed, 0),
      streamed: runs.reduce((total, run) => total + run.sessions, 0),
      lost: runs.reduce((total, run) => total + run.lost, 0),
    };
  });
}

export function resumeMatrixTable(results: readonly ResumeResult[]): string {
  if (results.length === 0) return 'Not run.';
  const rows = resumeCells(results).map((cell) => [
    PATH_SHORT_LABELS[cell.path],
    formatNumber(cell.sessions),
    cell.depth === 0 ? 'warm-up' : formatNumber(cell.depth),
    formatNumber(cell.logEvents),
    formatNumber(cell.runs),
    `${formatNumber(cell.resumed)}/${formatNumber(cell.streamed)}`,
    formatMs(cell.p50),
    formatMs(cell.p99),
    formatMs(cell.max),
    formatNumber(cell.lost),
  ]);
  return [
    'The serving gateway is SIGKILLed and every client reconnects to the other node with its `lastSeq`; ' +
      'resume is the handshake → the first event the client had not had. Each figure is the median over the runs.',
    markdownTable(
      [
        'Path',
        'Sessions',
        'Log asked (events)',
        'Shortest log at the kill',
        'Runs',
        'Resumed',
        'Resume p50 ms',
        'Resume p99 ms',
        'Resume max ms',
        'Lost',
      ],
      rows,
    ),
  ].join('\n\n');
}
