import type { TakeoverResult, TakeoverStop } from '../results';
import { median } from '../measure/stats';
import { formatMs, formatNumber, markdownTable } from './format';

/** How a run stopped its scheduler; results from before SIGTERM runs were all SIGKILL. */
export const stopOf = (run: TakeoverResult): TakeoverStop => run.stop ?? 'SIGKILL';

/**
 * The medians of the runs that stopped the scheduler with `stop`: p99 of the kill (or the SIGTERM grace's
 * end) → `turn.restarted`, and the restarted share.
 */
export function takeoverFigures(
  all: readonly TakeoverResult[],
  stop: TakeoverStop = 'SIGKILL',
): {
  runs: number;
  p50: number | undefined;
  p99: number | undefined;
  restarted: number;
  victimTurns: number;
} {
  const results = all.filter((run) => stopOf(run) === stop);
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
      stopOf(run) === 'SIGTERM' ? `SIGTERM, ${formatNumber(run.graceMs ?? 0)} ms grace` : 'SIGKILL',
      formatNumber(run.run),
      formatNumber(run.sessions),
      formatNumber(run.victimTurns),
      formatNumber(run.restarted),
      ...[restart?.p50, restart?.p99, restart?.max].map(formatMs),
      formatNumber(run.lost),
      formatNumber(run.duplicated),
    ];
  });
  const medians = (['SIGKILL', 'SIGTERM'] as const).flatMap((stop) => {
    const figures = takeoverFigures(results, stop);
    if (figures.runs === 0) return [];
    return [
      `${stop}, median of ${figures.runs} runs: p50 ${formatMs(figures.p50)} ms, p99 ${formatMs(figures.p99)} ms; ` +
        `${formatNumber(figures.restarted)} of ${formatNumber(figures.victimTurns)} turns restarted.`,
    ];
  });
  return [
    'LiteSession only (the other paths have no second writer to take a turn over). Sessions stream through ' +
      'one gateway while two schedulers share their turns; the one running more turns is stopped. ' +
      'SIGKILL: its leases run out, and the other scheduler takes the turns over. SIGTERM: once its grace ' +
      'has passed it hands the turns back. Per turn it ran: the SIGKILL (or the end of the grace) → the ' +
      '`turn.restarted` the other scheduler wrote (its writer time).',
    markdownTable(
      [
        'Stopped by',
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
    medians.join(' '),
  ].join('\n\n');
}
