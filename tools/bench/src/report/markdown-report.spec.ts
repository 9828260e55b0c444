import type { BenchResults } from '../results';
import { renderReport } from './markdown-report';
import { benchResultsFixture, ladderStep, latency } from './results.fixture';

/** The body rows of the first table under `### heading`, split into cells. */
function table(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`### ${heading}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(start).split('\n').slice(1);
  const first = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, index) => index > first && !line.startsWith('|'));
  return lines.slice(first + 2, end).map((line) => line.slice(2, -2).split(' | '));
}

function row(rows: string[][], ...firstCells: string[]): string[] {
  const found = rows.find((cells) => firstCells.every((cell, index) => cells[index] === cell));
  expect(found).toBeDefined();
  return found ?? [];
}

describe('renderReport', () => {
  it('divides LiteSession by each comparator per step, with "—" where a comparator did not run the step', () => {
    const rows = table(
      renderReport(benchResultsFixture(), 'benchmarks'),
      'LiteSession relative to the other paths',
    );

    // 1,000 sessions: p50 3 vs 1.5, p99 6 vs 3, CPU 45 vs 15 µs/token; Redis did not run it.
    expect(row(rows, '1,000')).toEqual([
      '1,000',
      '2.00×',
      '2.00×',
      '3.00×',
      '+1.50 ms',
      '+3.00 ms',
      '—',
      '—',
      '—',
    ]);
    // 100 sessions: vs direct 2/1, 4/2, 40/20; vs Redis 2/2.5, 4/5, 40/50.
    expect(row(rows, '100')).toEqual([
      '100',
      '2.00×',
      '2.00×',
      '2.00×',
      '+1.00 ms',
      '+2.00 ms',
      '0.80×',
      '0.80×',
      '0.80×',
    ]);
  });

  it('marks a step where a path failed, and gives "—" for a step that delivered nothing', () => {
    const results = benchResultsFixture();
    results.ladder[3] = ladderStep('direct', 1000, {
      latency: latency(0, 0, 0),
      passed: false,
      failures: ['x'],
    });

    const rows = table(renderReport(results, 'benchmarks'), 'LiteSession relative to the other paths');

    expect(row(rows, '1,000 ✗').slice(1, 6)).toEqual(['—', '—', '2.25×', '—', '—']);
  });

  it('lists absolute figures per path and step, with the reasons a step failed', () => {
    const results = benchResultsFixture();
    results.ladder[4] = ladderStep('redis', 100, {
      passed: false,
      failures: ['p99 120 ms > 100 ms', 'lost 3 | tokens'],
      lost: 3,
      tokensPerSecondPerGateway: 2_990.4,
    });
    const markdown = renderReport(results, 'benchmarks');
    const rows = table(markdown, 'Absolute figures per ladder step');

    expect(row(rows, 'LiteSession', '1,000')).toEqual([
      'LiteSession',
      '1,000',
      '30,000',
      '30,000',
      '3.00',
      '4.50',
      '6.00',
      '12.0',
      '45.0',
      '0.0',
      '100.0',
      '0 / 0 / 0',
      'pass',
    ]);
    expect(row(rows, 'Redis Streams', '100')[3]).toBe('2,990');
    expect(markdown).toContain('| 3 / 0 / 0 | fail: p99 120 ms > 100 ms; lost 3 \\| tokens |');
  });

  it('lands each target from the data', () => {
    // Latency 6 ≤ 1.5·3 + 5; resume p99 250 ms, all resumed; 10,000 at 15 KiB; best passing step 30,000 tok/s.
    const rows = table(renderReport(benchResultsFixture(), 'benchmarks'), 'Where we land');
    expect(rows.map(([, measured, status]) => [measured, status])).toEqual([
      ['p99 6.00 ms vs limit 9.50 ms (direct p99 3.00 ms)', 'met'],
      ['p99 250.0 ms (200/200 sessions resumed, 0 tokens lost)', 'met'],
      ['10,000 sessions (of 10,000) at 15.0 KiB each', 'met'],
      ['30,000 tok/s at 1,000 sessions, the highest step run', 'not met'],
      ['p50 149.0 ms, p99 247.0 ms (median of 3 runs)', 'not met'],
      ['turn 50 110.0 ms vs limit 116.0 ms (turn 1 80.0 ms, 1,470 events in the log)', 'met'],
      ['p99 90.0 ms (median of 3 runs; 60/60 resumed)', 'met'],
      ['p99 280.0 ms (median of 3 runs; 600/600 resumed)', 'met'],
      ['not run', 'not measured'],
      ['p99 120.0 ms (median of 3 runs; 60/60 resumed)', 'not met'],
      ['p99 4,800.0 ms (median of 3 runs; 30/30 restarted)', 'met'],
      ['p99 800.0 ms (median of 3 runs; 30/30 restarted)', 'met'],
      ['22.0 vs 20.0 KiB/session, 1.10× (20 turns, median of 3 runs)', 'met'],
    ]);
  });

  it('flips each target when the data crosses its line', () => {
    const results = benchResultsFixture();
    results.ladder[1].latency = latency(3, 9.6); // limit 9.5
    results.resume[0].resume = latency(140, 301, 200);
    results.capacity[0].bytesPerSession = 21 * 1024;
    results.ladder[1].tokensPerSecondPerGateway = 50_000;
    const runs = results.conversation?.[0]?.runs ?? [];
    for (const run of runs) {
      run.firstTurnStartedMs = run.firstTurnStartedMs.map((ms) => ms / 2); // p50 74.5, p99 123.5
      run.turnStartedMs[49] = 117;
    }

    const statuses = table(renderReport(results, 'benchmarks'), 'Where we land').map(
      ([, , status]) => status,
    );

    expect(statuses.slice(0, 6)).toEqual(['not met', 'not met', 'not met', 'met', 'met', 'not met']);
  });

  it('takes tokens/s from the highest passing step and fails resume when a session did not resume', () => {
    const results = benchResultsFixture();
    results.ladder[1] = { ...results.ladder[1], passed: false, failures: ['p99 too high'] };
    results.resume[0].resumed = 199;

    const measured = table(renderReport(results, 'benchmarks'), 'Where we land').map(
      ([, m, s]) => `${m}: ${s}`,
    );

    expect(measured[1]).toBe('p99 250.0 ms (199/200 sessions resumed, 0 tokens lost): not met');
    expect(measured[3]).toBe('3,000 tok/s at 100 sessions: not met');
  });

  it('renders the resume matrix and the conversation as medians over their runs', () => {
    const markdown = renderReport(benchResultsFixture(), 'benchmarks');

    expect(table(markdown, "Resume against concurrent resumes and the log's length")).toEqual([
      ['LiteSession', '20', 'warm-up', '7', '3', '60/60', '45.0', '90.0', '180.0', '0'],
      ['LiteSession', '200', 'warm-up', '7', '3', '600/600', '140.0', '280.0', '560.0', '0'],
      ['LiteSession', '20', '5,000', '5,007', '3', '60/60', '60.0', '120.0', '240.0', '0'],
    ]);
    const [conversation] = table(markdown, "Starting a turn, against the conversation's length");
    expect(conversation).toEqual([
      'LiteSession',
      '3',
      ...['0', '270', '1,470'],
      ...['80.0', '90.0', '110.0'],
      ...['95.0', '95.0', '95.0'],
      '149.0 / 247.0',
    ]);
  });

  it('renders the takeover runs and judges each way of stopping on the median p99 of its runs', () => {
    const results = benchResultsFixture();
    const markdown = renderReport(results, 'benchmarks');

    expect(table(markdown, 'Scheduler takeover after SIGKILL and SIGTERM')).toEqual([
      ['SIGKILL', '1', '20', '10', '10', '2,000.0', '4,000.0', '8,000.0', '0', '0'],
      ['SIGKILL', '2', '20', '10', '10', '2,600.0', '5,200.0', '10,400.0', '0', '0'],
      ['SIGKILL', '3', '20', '10', '10', '2,400.0', '4,800.0', '9,600.0', '0', '0'],
      ['SIGTERM, 2,000 ms grace', '1', '20', '10', '10', '150.0', '300.0', '600.0', '0', '0'],
      ['SIGTERM, 2,000 ms grace', '2', '20', '10', '10', '600.0', '1,200.0', '2,400.0', '0', '0'],
      ['SIGTERM, 2,000 ms grace', '3', '20', '10', '10', '400.0', '800.0', '1,600.0', '0', '0'],
    ]);
    expect(markdown).toContain(
      'SIGKILL, median of 3 runs: p50 2,400.0 ms, p99 4,800.0 ms; 30 of 30 turns restarted. ' +
        'SIGTERM, median of 3 runs: p50 400.0 ms, p99 800.0 ms; 30 of 30 turns restarted.',
    );
    const target = (r: BenchResults, label: string) =>
      row(table(renderReport(r, 'benchmarks'), 'Where we land'), label);
    const sigkill = 'Scheduler SIGKILL → turn.restarted: p99 ≤ 5 s';
    const sigterm = 'Scheduler SIGTERM → turn.restarted: p99 ≤ 1 s after the grace period';
    expect(target(results, sigkill).slice(1)).toEqual([
      'p99 4,800.0 ms (median of 3 runs; 30/30 restarted)',
      'met',
    ]);
    expect(target(results, sigterm).slice(1)).toEqual([
      'p99 800.0 ms (median of 3 runs; 30/30 restarted)',
      'met',
    ]);
    // One turn the other scheduler never restarted fails that way's target whatever the times.
    const missed = benchResultsFixture();
    missed.takeover = missed.takeover?.map((run, i) => (i === 0 ? { ...run, restarted: 9 } : run));
    expect(target(missed, sigkill).at(-1)).toBe('not met');
    expect(target(missed, sigterm).at(-1)).toBe('met');
    const slowHandBack = benchResultsFixture();
    slowHandBack.takeover = slowHandBack.takeover?.map((run) =>
      run.stop === 'SIGTERM' ? { ...run, restart: { ...run.restart, p99: 1500 } } : run,
    );
    expect(target(slowHandBack, sigterm).at(-1)).toBe('not met');
  });

  it('renders gateway memory with a history as medians over the runs', () => {
    expect(
      table(renderReport(benchResultsFixture(), 'benchmarks'), 'Gateway memory per session with a history'),
    ).toEqual([['LiteSession', '500', '0', '20', '1,400', '3', '20.0', '22.0', '1.10×']]);
    const heavier = benchResultsFixture();
    heavier.historyMemory = heavier.historyMemory?.map((run) => ({
      ...run,
      historyBytesPerSession: 30 * 1024,
    }));
    const statuses = table(renderReport(heavier, 'benchmarks'), 'Where we land').map(
      ([, , status]) => status,
    );
    expect(statuses.at(-1)).toBe('not met');
  });

  it('says "not measured" for a target without data', () => {
    const results: BenchResults = {
      ...benchResultsFixture(),
      ladder: [],
      capacity: [],
      resume: [],
      conversation: [],
      resumeMatrix: [],
      takeover: [],
      historyMemory: [],
    };

    const statuses = table(renderReport(results, 'benchmarks'), 'Where we land').map(
      ([, , status]) => status,
    );

    expect(statuses).toEqual(new Array(13).fill('not measured'));
  });

  it('renders paths that were not run as "—" rows and "not possible" for a path that cannot resume', () => {
    const results = benchResultsFixture();
    results.ladder = results.ladder.filter((step) => step.path === 'litesession');
    results.resume = results.resume.filter((r) => r.path !== 'redis');
    const markdown = renderReport(results, 'benchmarks');

    expect(markdown).toContain('_—: no ladder step was run by both LiteSession and a comparator._');
    expect(row(table(markdown, 'Absolute figures per ladder step'), 'Direct')).toEqual([
      'Direct',
      ...new Array(11).fill('—'),
      'not run',
    ]);
    expect(row(table(markdown, 'Connected sessions per gateway'), 'Redis Streams').at(-1)).toBe('not run');
    expect(row(table(markdown, 'Connected sessions per gateway'), 'Direct').slice(4, 6)).toEqual(['—', '—']);
    const resume = table(markdown, 'Resume after SIGKILL of the serving gateway');
    expect(row(resume, 'Direct')).toEqual([
      'Direct',
      '200',
      'not possible',
      '—',
      '—',
      '—',
      '100.0',
      '170.0',
      '1,830',
      '0',
      'the stream dies with the process',
    ]);
    expect(row(resume, 'Redis Streams').at(-1)).toBe('not run');
  });

  it('survives a run with no data at all', () => {
    const empty: BenchResults = {
      ...benchResultsFixture(),
      versions: {},
      settings: { ...benchResultsFixture().settings, paths: [], ladder: [] },
      ladder: [],
      capacity: [],
      resume: [],
    };

    expect(renderReport(empty, '.')).not.toMatch(/NaN|undefined|Infinity|null/);
  });

  it('says how to reproduce the run, when and where it ran, and with what', () => {
    const markdown = renderReport(benchResultsFixture(), 'benchmarks');

    expect(markdown).toContain('```sh\nnpm run bench -- --ladder 100,1000 --rate 30\n```');
    expect(markdown).toContain('Ran from 2026-05-01 10:00:00 UTC to 2026-05-01 11:12:30 UTC (72.5 min)');
    expect(markdown).toContain(
      '| CPU | Cores | Memory | OS | Node.js |\n| --- | ---: | ---: | --- | --- |\n',
    );
    expect(table(markdown, 'Machine')).toEqual([
      ['AMD EPYC 7B13', '2', '23.4 GiB', 'Linux 6.8.0 x64', 'v20.20.2'],
    ]);
    expect(table(markdown, 'Versions')).toContainEqual(['rocketmq', '5.5.0']);
    expect(markdown).toContain('- Ladder: 100, 1,000 sessions on one gateway, 30 tok/s per session');
    expect(markdown).toContain('- Pass rule: delivered ≥ 99.9 % of offered, p99 ≤ 100 ms, no loss');
  });

  it('links the four charts under the given directory', () => {
    const links = (dir: string) =>
      [...renderReport(benchResultsFixture(), dir).matchAll(/!\[[^\]]+\]\(([^)]+)\)/g)].map(
        ([, link]) => link,
      );

    expect(links('benchmarks')).toEqual([
      'benchmarks/latency-vs-load.svg',
      'benchmarks/resume-histogram.svg',
      'benchmarks/memory-ramp.svg',
      'benchmarks/throughput-vs-load.svg',
    ]);
    expect(links('.')[0]).toBe('./latency-vs-load.svg');
  });
});
