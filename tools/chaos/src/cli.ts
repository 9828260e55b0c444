/**
 * `npm run chaos -- [--sessions N] [--seconds S] [--interval S]
 *   [--faults gateway,scheduler,broker,proxy,namesrv,broker+proxy] [--bounds issue|liveness]`
 * Runs the chaos drill against the local stack and exits non-zero if any session lost, repeated or
 * reordered an event, a turn was left hanging, garbled, dropped after its acknowledgement or late after an
 * outage, a new session did not work in time, or (broker outages) a connected client was not told.
 */
import { parseArgs } from 'node:util';
import { drillPassed, runDrill } from './drill';
import { FAULT_CLASSES, parseFaultClasses } from './fault-classes';
import { ISSUE_BOUNDS, LIVENESS_BOUNDS, type TimeBounds } from './time-bounds';
import { toMessage } from '@litesession/edge/errors';

function boundsNamed(name: string): TimeBounds {
  if (name === 'issue') return ISSUE_BOUNDS;
  if (name === 'liveness') return LIVENESS_BOUNDS;
  throw new Error('--bounds must be issue or liveness');
}

function options() {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '300' },
      interval: { type: 'string', default: '15' },
      faults: { type: 'string', default: FAULT_CLASSES.join(',') },
      // issue: 10 s for a new session, 60 s for every turn; liveness: what the short drill in npm test uses.
      bounds: { type: 'string', default: 'issue' },
    },
  });
  const number = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
  return {
    sessions: number('sessions', values.sessions, 1, 500),
    faultSeconds: number('seconds', values.seconds, 5, 3600),
    faultIntervalSeconds: number('interval', values.interval, 2, 600),
    faults: parseFaultClasses(values.faults),
    bounds: boundsNamed(values.bounds),
  };
}

/**
 * The first Ctrl-C stops injecting faults and lets the drill restart what it killed and stop its nodes;
 * the second one quits at once (then `npm run rocketmq -- start` brings back a server left killed).
 */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    console.error(
      '[chaos] interrupted: no more faults; restoring the cluster and stopping (again to quit now)',
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

async function main(): Promise<void> {
  const reports = await runDrill({ ...options(), signal: interruptible() });
  const passed = drillPassed(reports);
  console.log(passed ? '[chaos] PASSED' : '[chaos] FAILED');
  process.exitCode = passed ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`[chaos] ${toMessage(error)}`);
  process.exitCode = 2;
});
