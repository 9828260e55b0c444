/** One fault, as the drill saw it: what was killed and when it was back. Times in ms since the epoch. */
export interface Outage {
  /** What was killed, all at once: cluster servers (`broker`, `proxy`, …) or app nodes (`chaos-g1`, …). */
  servers: string[];
  /** The killed processes were gone. */
  killedAt: number;
  /** The drill asked for the restart, after its pause. */
  restartRequestedAt: number;
  /** The restart returned: everything killed is ready again. */
  backAt: number;
}

/** How to inject one fault; the clock and the sleep are replaceable for tests. */
export interface OutageSteps {
  servers: string[];
  /** Kills every server of the fault; resolves once they are gone. */
  kill: () => Promise<void>;
  pauseMs: number;
  /** Brings back what is missing; resolves once it is ready. */
  restart: () => Promise<void>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The drill's pause between a kill and its restart: 1 to 5 s, so that outages are not all alike. */
export function randomPauseMs(random: () => number = Math.random): number {
  return 1000 + Math.floor(random() * 4000);
}

const RESTART_RETRY_DELAY_MS = 2000;

/**
 * Kills, pauses, restarts, and records when each happened. The restart runs however the kill went (a
 * kill of two servers can fail after the first one is gone), and is tried once more when it fails: the
 * drill must not leave a server down. A kill error is thrown after the restart; a second restart failure
 * is thrown as is (the caller restores the cluster once more on its way out).
 */
export async function runOutage(steps: OutageSteps): Promise<Outage> {
  const now = steps.now ?? Date.now;
  const sleep = steps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let killError: unknown;
  try {
    await steps.kill();
  } catch (error) {
    killError = error;
  }
  const killedAt = now();
  if (killError === undefined) await sleep(steps.pauseMs);
  const restartRequestedAt = now();
  try {
    await steps.restart();
  } catch {
    await sleep(RESTART_RETRY_DELAY_MS);
    await steps.restart();
  }
  const backAt = now();
  if (killError !== undefined) throw killError;
  return { servers: [...steps.servers], killedAt, restartRequestedAt, backAt };
}

/** `broker+proxy down 14.2 s (pause 3.1 s, restart 11.1 s)`: one line of the drill's log. */
export function describeOutage(outage: Outage): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return (
    `${outage.servers.join('+')} down ${s(outage.backAt - outage.killedAt)} ` +
    `(pause ${s(outage.restartRequestedAt - outage.killedAt)}, restart ${s(outage.backAt - outage.restartRequestedAt)})`
  );
}
