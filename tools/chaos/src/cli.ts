/**
 * `npm run chaos -- [--sessions N] [--seconds S] [--interval S] [--faults gateway,scheduler]`
 * Runs the chaos drill against the local stack and exits non-zero if any session lost, repeated or
 * reordered an event, or a turn was left hanging or garbled.
 */
import { parseArgs } from 'node:util';
import { drillPassed, type FaultClass, runDrill } from './drill';

const FAULTS: readonly FaultClass[] = ['gateway', 'scheduler'];

function options() {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '300' },
      interval: { type: 'string', default: '15' },
      faults: { type: 'string', default: FAULTS.join(',') },
    },
  });
  const number = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
  const faults = values.faults.split(',').map((f) => f.trim());
  const unknown = faults.filter((f) => !FAULTS.includes(f as FaultClass));
  if (unknown.length > 0)
    throw new Error(`--faults: unknown ${unknown.join(', ')} (known: ${FAULTS.join(', ')})`);
  return {
    sessions: number('sessions', values.sessions, 1, 500),
    faultSeconds: number('seconds', values.seconds, 5, 3600),
    faultIntervalSeconds: number('interval', values.interval, 2, 600),
    faults: faults as FaultClass[],
  };
}

async function main(): Promise<void> {
  const reports = await runDrill(options());
  const passed = drillPassed(reports);
  console.log(passed ? '[chaos] PASSED' : '[chaos] FAILED');
  process.exitCode = passed ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`[chaos] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
