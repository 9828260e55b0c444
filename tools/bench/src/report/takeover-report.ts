import type { TakeoverResult } from '../results';
import { median } from '../measure/stats';
import { formatMs, formatNumber, markdownTable } from './format';

/** The takeover runs' medians: p99 of kill → `turn.restarted`, and the restarted share. */
export function takeoverFigures(results: readonly TakeoverResult[]): {
  runs: number;
  p50: number | undefined;
  p99: number | undefined;
  restarted: number;
  victimTurns: number;
} {
  const measured = results.filter((run) => run.restart.count > 0);
  return {
    runs: results.length,
    p50: median(measured.map((run) => run.restart.p50)),
    p99: median(measured.map((run) => run.restart.p99)),
    restarted: results.reduce((total, run) => total + run.restarted, 0),
    victimTurns: results.reduce((total, run) => total + run.victimTurns, 0),
  };
}

export function takeoverTable(results: readonly TakeoverResult[]): string {
  if (results.length === 0) return 'Not run.';
  const rows = results.map((run) => {
    const restart = run.restart.count > 0 ? run.restart : undefined;
    return [
      formatNumber(run.run),
      formatNumber(run.sessions),
      formatNumber(run.victimTurns),
      formatNumber(run.restarted),
      ...[restart?.p50, restart?.p99, restart?.max].map(formatMs),
      formatNumber(run.lost),
      formatNumber(run.duplicated),
    ];
  });
  const figures = takeoverFigures(results);
  return [
    'LiteSession only (the other paths have no second writer to take a turn over). Sessions stream through ' +
      'one gateway while two schedulers share their turns; the one running more turns is SIGKILLed. ' +
      'Per turn it ran: SIGKILL → the `turn.restarted` the other scheduler wrote (its writer time).',
    markdownTable(
      [
        'Run',
        'Sessions',
        'Turns on the killed scheduler',
        'Restarted',
        'Takeover p50 ms',
        'Takeover p99 ms',
        'Takeover max ms',
        'Lost',
        'Duplicated',
      ],
      rows,
    ),
    `Median of ${figures.runs} runs: p50 ${formatMs(figures.p50)} ms, p99 ${formatMs(figures.p99)} ms; ` +
      `${formatNumber(figures.restarted)} of ${formatNumber(figures.victimTurns)} turns restarted.`,
  ].join('\n\n');
}
