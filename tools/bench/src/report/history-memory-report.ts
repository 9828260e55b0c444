import type { HistoryMemoryResult, PathName } from '../results';
import { median } from '../measure/stats';
import { formatNumber, markdownTable, PATH_ORDER, PATH_SHORT_LABELS } from './format';

/** One path's history-memory runs: medians over the runs of KiB per session, empty and with a history. */
export interface HistoryMemoryFigures {
  path: PathName;
  runs: number;
  sessions: number;
  turns: number;
  /** Over all runs: sessions left out because a history turn did not end in time. */
  leftOut: number;
  medianLogEvents: number | undefined;
  emptyKiB: number | undefined;
  historyKiB: number | undefined;
  /** Median over the runs of history ÷ empty. */
  ratio: number | undefined;
}

export function historyMemoryFigures(results: readonly HistoryMemoryResult[]): HistoryMemoryFigures[] {
  return PATH_ORDER.flatMap((path) => {
    const runs = results.filter((run) => run.path === path);
    const first = runs[0];
    if (!first) return [];
    const kib = (bytes: number) => bytes / 1024;
    return [
      {
        path,
        runs: runs.length,
        sessions: first.sessions,
        turns: first.turns,
        leftOut: runs.reduce((total, run) => total + run.leftOut, 0),
        medianLogEvents: median(runs.map((run) => run.medianLogEvents)),
        emptyKiB: median(runs.map((run) => kib(run.emptyBytesPerSession))),
        historyKiB: median(runs.map((run) => kib(run.historyBytesPerSession))),
        ratio: median(
          runs
            .filter((run) => run.emptyBytesPerSession > 0)
            .map((run) => run.historyBytesPerSession / run.emptyBytesPerSession),
        ),
      },
    ];
  });
}

export function historyMemoryTable(results: readonly HistoryMemoryResult[]): string {
  const figures = historyMemoryFigures(results);
  if (figures.length === 0) return 'Not run.';
  return [
    'Per path, three fresh gateways: one writes the histories (every session runs its turns and leaves), ' +
      'one gets as many new empty sessions, one gets the sessions with history, each resumed after its ' +
      'last event. A session one of whose history turns did not end within 60 s is left out (counted ' +
      'over all runs). Memory per session is the slope of gateway RSS against open sessions; each figure is ' +
      'the median over the runs.',
    markdownTable(
      [
        'Path',
        'Sessions',
        'Left out',
        'Turns per log',
        'Events per log',
        'Runs',
        'Empty KiB/session',
        'With history KiB/session',
        'History ÷ empty',
      ],
      figures.map((f) => [
        PATH_SHORT_LABELS[f.path],
        formatNumber(f.sessions),
        formatNumber(f.leftOut),
        formatNumber(f.turns),
        formatNumber(f.medianLogEvents),
        formatNumber(f.runs),
        formatNumber(f.emptyKiB, 1),
        formatNumber(f.historyKiB, 1),
        f.ratio === undefined ? formatNumber(undefined) : `${formatNumber(f.ratio, 2)}×`,
      ]),
    ),
  ].join('\n\n');
}
