/**
 * `npm test`: every test of the workspace. Unit tests run while the local RocketMQ cluster starts (if it
 * is not running already); then the integration suites and the e2e suites (real processes, and the demo
 * page in headless Chromium, which is installed with apt-get first if missing) run against it, one
 * project at a time.
 * The cluster is stopped at the end only if this run started it. The last line is Jest's own totals:
 * "N passed, N failed".
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadToolConfig, start, stop, type Role } from '@litesession/rocketmq-tools';
import { ensureChromium } from './ensure-chromium';
import { toMessage } from '@litesession/edge/errors';
const { summarize, summaryLine } = require('./summarize.js') as typeof import('./summarize.js');

const ROOT = path.resolve(__dirname, '../../..');
const RESULTS = path.join(ROOT, 'test-results', 'jest');

const EMPTY_RUN = {
  projects: ['(stages that could not run)'],
  numPassedTests: 0,
  numFailedTests: 0,
  numPendingTests: 0,
  numTodoTests: 0,
  numRuntimeErrorTestSuites: 0,
  numTotalTestSuites: 0,
};

interface Stage {
  name: string;
  args: string[];
  needsBroker: boolean;
  /** Runs first; must not throw (what it could not do makes a test fail instead). */
  prepare?: () => Promise<void>;
}

const STAGES: Stage[] = [
  { name: 'unit', args: ['run-many', '-t', 'test', '--parallel=2'], needsBroker: false },
  { name: 'integration', args: ['run-many', '-t', 'integration', '--parallel=1'], needsBroker: true },
  {
    name: 'e2e',
    args: ['run-many', '-t', 'e2e', '--parallel=1'],
    needsBroker: true,
    // The browser test drives Debian's Chromium; installed here on a fresh machine (about 25 s).
    prepare: () => ensureChromium(path.join(ROOT, 'test-results', 'browser')),
  },
];

async function main(): Promise<number> {
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  const config = loadToolConfig();
  let started: Role[] = [];
  // start() skips servers that already run and provisions only what changed.
  const broker = (async () => {
    started = (await start(config)).started;
  })();
  broker.catch(() => undefined); // reported when a stage needs it
  let stageFailures = 0;
  try {
    for (const stage of STAGES) {
      if (stage.needsBroker) {
        try {
          await broker;
        } catch (error) {
          console.error(
            `\n[test] the RocketMQ cluster could not start, so the ${stage.name} tests cannot run:`,
          );
          console.error(toMessage(error));
          stageFailures += 1;
          continue;
        }
      }
      await stage.prepare?.();
      stageFailures += await runStage(stage);
    }
  } finally {
    await broker.catch(() => undefined);
    if (started.length > 0) await stop(config, started);
  }
  if (stageFailures > 0) {
    // Recorded beside Jest's own results so that .ci/run's summary counts them too.
    writeFileSync(
      path.join(RESULTS, 'stage-failures.json'),
      JSON.stringify({ ...EMPTY_RUN, numRuntimeErrorTestSuites: stageFailures, success: false }),
    );
  }
  const totals = summarize(RESULTS);
  for (const failure of totals.failures) console.log(`[test] failed: ${failure}`);
  console.log(summaryLine(totals));
  return totals.failed > 0 || totals.runs === 0 ? 1 : 0;
}

/** Runs one Nx stage; returns 1 when it failed without Jest reporting a failure (e.g. a crashed setup). */
async function runStage(stage: Stage): Promise<number> {
  console.log(`\n[test] ${stage.name} tests: nx ${stage.args.join(' ')}`);
  const before = readdirSync(RESULTS).length;
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [require.resolve('nx/bin/nx'), ...stage.args, '--outputStyle=static'],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: {
          ...process.env,
          LITESESSION_TEST_RESULTS_DIR: RESULTS,
          NX_DAEMON: 'false',
          NX_TUI: 'false',
          NX_NO_CLOUD: 'true',
        },
      },
    );
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  const reported = readdirSync(RESULTS).length > before;
  if (code !== 0 && !reported) {
    console.error(`[test] ${stage.name} stage exited with ${code} before Jest reported any result`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
