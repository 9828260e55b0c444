import { PATH_LABELS, type BenchResults, type LadderStep, type PathName } from '../results';
import { benchCharts } from './charts';
import {
  formatDeltaMs,
  formatMs,
  formatNumber,
  formatRatio,
  markdownTable,
  MISSING,
  NOT_POSSIBLE,
  NOT_RUN,
  PATH_ORDER,
  PATH_SHORT_LABELS,
} from './format';
import { conversationTable } from './conversation-report';
import { resumeMatrixTable } from './resume-matrix-report';
import { takeoverTable } from './takeover-report';
import { historyMemoryTable } from './history-memory-report';
import { evaluateTargets } from './targets';

const MIB = 1024 * 1024;

/**
 * The Markdown results section for `results`. Chart images are linked as `chartDir/<file>`, relative to
 * the Markdown file (e.g. 'benchmarks' from docs/benchmarks.md, '.' next to the SVGs).
 */
export function renderReport(results: BenchResults, chartDir: string): string {
  return (
    [
      '## Results',
      reproduceSection(results),
      machineSection(results),
      settingsSection(results),
      '### Where we land',
      markdownTable(
        ['Target', 'LiteSession measured', 'Status'],
        evaluateTargets(results).map((t) => [t.target, t.measured, t.status]),
      ),
      ratioSection(results),
      '### Absolute figures per ladder step',
      absoluteTable(results),
      '### Connected sessions per gateway',
      capacityTable(results),
      '### Resume after SIGKILL of the serving gateway',
      resumeTable(results),
      "### Resume against concurrent resumes and the log's length",
      resumeMatrixTable(results.resumeMatrix ?? []),
      "### Starting a turn, against the conversation's length",
      conversationTable(results.conversation ?? []),
      '### Gateway memory per session with a history',
      historyMemoryTable(results.historyMemory ?? []),
      '### Scheduler takeover after SIGKILL and SIGTERM',
      takeoverTable(results.takeover ?? []),
      '### Charts',
      ...benchCharts(results).map((chart) => `![${chart.alt}](${joinLink(chartDir, chart.file)})`),
    ].join('\n\n') + '\n'
  );
}

function reproduceSection({ command, startedAt, finishedAt }: BenchResults): string {
  const minutes = (Date.parse(finishedAt) - Date.parse(startedAt)) / 60_000;
  const duration = Number.isFinite(minutes) ? ` (${formatNumber(minutes, 1)} min)` : '';
  return [
    'Reproduce with:',
    ['```sh', command, '```'].join('\n'),
    `Ran from ${readableTime(startedAt)} to ${readableTime(finishedAt)}${duration}. Absolute times are noisy` +
      ' on a shared machine; compare the ratios, which share its noise.',
  ].join('\n\n');
}

function machineSection({ machine, versions }: BenchResults): string {
  const versionRows = Object.entries(versions).map(([name, version]) => [name, version]);
  return [
    '### Machine',
    markdownTable(
      ['CPU', 'Cores', 'Memory', 'OS', 'Node.js'],
      [
        [
          machine.cpuModel,
          formatNumber(machine.cores),
          `${formatNumber(machine.memoryGiB, 1)} GiB`,
          machine.os,
          machine.node,
        ],
      ],
    ),
    '### Versions',
    versionRows.length === 0
      ? `_No versions recorded._`
      : markdownTable(['Component', 'Version'], versionRows),
  ].join('\n\n');
}

function settingsSection({ settings }: BenchResults): string {
  const paths = settings.paths.map((path) => PATH_LABELS[path]);
  return [
    '### Settings',
    [
      `- Ladder: ${settings.ladder.map((n) => formatNumber(n)).join(', ')} sessions on one gateway,` +
        ` ${formatNumber(settings.tokensPerSecond)} tok/s per session`,
      `- Warm-up ${formatNumber(settings.warmupSeconds)} s, then a ${formatNumber(settings.windowSeconds)} s measurement window per step`,
      `- Pass rule: ${settings.passRule}`,
      `- Capacity ramp to ${formatNumber(settings.capacitySessions)} idle sessions; resume test with ${formatNumber(settings.resumeSessions)} sessions`,
      `- Paths: ${paths.join('; ')}`,
    ].join('\n'),
  ].join('\n\n');
}

/** Per ladder step that LiteSession and at least one comparator ran; a comparator that did not run gives "—". */
function ratioSection({ ladder }: BenchResults): string {
  const find = (path: PathName, sessions: number) =>
    ladder.find((s) => s.path === path && s.sessions === sessions);
  const rows = sortedSteps(ladder, 'litesession').flatMap((lite) => {
    const [direct, redis] = [find('direct', lite.sessions), find('redis', lite.sessions)];
    if (!direct && !redis) return [];
    const failed = [lite, direct, redis].some((step) => step && !step.passed) ? ' ✗' : '';
    return [
      [
        `${formatNumber(lite.sessions)}${failed}`,
        ...latencyRatios(lite, direct),
        formatDeltaMs(latencyDelta(lite, direct, 'p50')),
        formatDeltaMs(latencyDelta(lite, direct, 'p99')),
        ...latencyRatios(lite, redis),
      ],
    ];
  });
  const headers = [
    'Sessions',
    'p50 ÷ direct',
    'p99 ÷ direct',
    'CPU/token ÷ direct',
    'Δp50 vs direct',
    'Δp99 vs direct',
    'p50 ÷ Redis',
    'p99 ÷ Redis',
    'CPU/token ÷ Redis',
  ];
  return [
    '### LiteSession relative to the other paths',
    rows.length === 0
      ? `_${MISSING}: no ladder step was run by both LiteSession and a comparator._`
      : markdownTable(headers, rows),
    'Above 1.00× LiteSession is slower, or spends more gateway CPU per delivered token, than the other path.' +
      ' ✗ marks a step where one of the paths failed the pass rule.',
  ].join('\n\n');
}

function latencyRatios(lite: LadderStep, other: LadderStep | undefined): string[] {
  const measured = other && lite.latency.count > 0 && other.latency.count > 0;
  return [
    measured ? formatRatio(lite.latency.p50, other.latency.p50) : MISSING,
    measured ? formatRatio(lite.latency.p99, other.latency.p99) : MISSING,
    formatRatio(lite.gatewayCpuMicrosPerToken, other?.gatewayCpuMicrosPerToken),
  ];
}

function latencyDelta(
  lite: LadderStep,
  other: LadderStep | undefined,
  quantile: 'p50' | 'p99',
): number | undefined {
  if (!other || lite.latency.count === 0 || other.latency.count === 0) return undefined;
  return lite.latency[quantile] - other.latency[quantile];
}

function absoluteTable(results: BenchResults): string {
  const headers = [
    'Path',
    'Sessions',
    'Offered tok/s',
    'Delivered tok/s per gateway',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'Gateway CPU µs/token',
    'Infra CPU µs/token',
    'Gateway RSS MiB',
    'Lost / dup / reordered',
    'Result',
  ];
  const rows = pathsOf(results, results.ladder).flatMap((path) => {
    const steps = sortedSteps(results.ladder, path);
    if (steps.length === 0) return [notRun(path, headers.length)];
    return steps.map((step) => {
      const latency = step.latency.count > 0 ? step.latency : undefined;
      return [
        PATH_SHORT_LABELS[path],
        formatNumber(step.sessions),
        formatNumber(step.sessions * step.tokensPerSecond),
        formatNumber(step.tokensPerSecondPerGateway),
        ...[latency?.p50, latency?.p90, latency?.p99, latency?.max].map(formatMs),
        formatNumber(step.gatewayCpuMicrosPerToken, 1),
        formatNumber(step.infraCpuMicrosPerToken, 1),
        formatNumber(step.gatewayRssBytes / MIB, 1),
        [step.lost, step.duplicated, step.reordered].map((n) => formatNumber(n)).join(' / '),
        step.passed ? 'pass' : `fail: ${step.failures.join('; ') || 'no reason recorded'}`,
      ];
    });
  });
  return markdownTable(headers, rows);
}

function capacityTable(results: BenchResults): string {
  const headers = [
    'Path',
    'Reached / target',
    'KiB per session',
    'Opened per second',
    'Subscribe p50 ms',
    'Subscribe p99 ms',
    'Errors',
  ];
  const rows = pathsOf(results, results.capacity).map((path) => {
    const c = results.capacity.find((entry) => entry.path === path);
    if (!c) return notRun(path, headers.length);
    const subscribe = c.subscribe && c.subscribe.count > 0 ? c.subscribe : undefined;
    return [
      PATH_SHORT_LABELS[path],
      `${formatNumber(c.reached)} / ${formatNumber(c.target)}`,
      formatNumber(c.bytesPerSession / 1024, 1),
      formatNumber(c.openRatePerSecond, 1),
      formatMs(subscribe?.p50),
      formatMs(subscribe?.p99),
      formatNumber(c.errors),
    ];
  });
  return markdownTable(headers, rows);
}

function resumeTable(results: BenchResults): string {
  const headers = [
    'Path',
    'Sessions',
    'Resumed',
    'Resume p50 ms',
    'Resume p99 ms',
    'Resume max ms',
    'Reconnect p50 ms',
    'Reconnect p99 ms',
    'Lost',
    'Duplicated',
    'Note',
  ];
  const rows = pathsOf(results, results.resume).map((path) => {
    const r = results.resume.find((entry) => entry.path === path);
    if (!r) return notRun(path, headers.length);
    const resume = r.supported && r.resume.count > 0 ? r.resume : undefined;
    const reconnect = r.reconnect.count > 0 ? r.reconnect : undefined;
    return [
      PATH_SHORT_LABELS[path],
      formatNumber(r.sessions),
      r.supported ? formatNumber(r.resumed) : NOT_POSSIBLE,
      ...[resume?.p50, resume?.p99, resume?.max, reconnect?.p50, reconnect?.p99].map(formatMs),
      formatNumber(r.lost),
      formatNumber(r.duplicated),
      r.note ?? '',
    ];
  });
  return markdownTable(headers, rows);
}

/** The paths the run was asked for plus any that have data, in the usual order. */
function pathsOf(results: BenchResults, entries: ReadonlyArray<{ path: PathName }>): PathName[] {
  return PATH_ORDER.filter(
    (path) => results.settings.paths.includes(path) || entries.some((entry) => entry.path === path),
  );
}

function sortedSteps(ladder: readonly LadderStep[], path: PathName): LadderStep[] {
  return ladder.filter((step) => step.path === path).sort((a, b) => a.sessions - b.sessions);
}

function notRun(path: PathName, columns: number): string[] {
  return [PATH_SHORT_LABELS[path], ...new Array<string>(columns - 2).fill(MISSING), NOT_RUN];
}

/** `2026-05-01T10:00:00.000Z` → `2026-05-01 10:00:00 UTC`; anything unparsable as given. */
function readableTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function joinLink(chartDir: string, file: string): string {
  const dir = chartDir.replace(/\/+$/, '');
  return dir === '' ? file : `${dir}/${file}`;
}
