import { LiteSessionClient, MemoryStorage } from '@litesession/client';
import { toMessage } from '@litesession/edge/errors';

/** How long the probe waits before it counts the new session as not working. */
export const NEW_SESSION_GIVE_UP_MS = 60_000;

export interface NewSessionResult {
  /** From `since` to the first `token` event of the probe's turn; Infinity when it gave up. */
  seconds: number;
  /** Why it gave up, or the session it opened. */
  detail: string;
}

/**
 * Opens a fresh session (a new client, its own user), sends one message and measures the time from
 * `since` (the servers being back) until the first `token` of that turn, giving up after 60 s. The turn
 * is left to finish by itself.
 */
export async function probeNewSession(
  urls: string[],
  token: () => Promise<string>,
  since: number,
  giveUpMs = NEW_SESSION_GIVE_UP_MS,
): Promise<NewSessionResult> {
  const client = new LiteSessionClient({
    urls,
    storage: new MemoryStorage(),
    token,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    requestTimeoutMs: giveUpMs,
  });
  const firstToken = new Map<string, number>();
  // When each stage was reached, for the detail: where the time went when the first token is late.
  const reached: string[] = [];
  const mark = (stage: string) => reached.push(`${stage} +${((Date.now() - since) / 1000).toFixed(1)}s`);
  client.on('event', (event) => {
    if (event.type === 'user.message' && reached.every((r) => !r.startsWith('user.message')))
      mark('user.message');
    if (event.type === 'token' && event.turnId !== undefined && !firstToken.has(event.turnId))
      firstToken.set(event.turnId, Date.now());
  });
  let over = false;
  let stage = 'connecting';
  const work = (async (): Promise<NewSessionResult> => {
    const { sessionId } = await client.connect();
    mark('session');
    stage = `session ${sessionId}, sending`;
    const { turnId } = await client.send('a new session after the outage');
    mark('acknowledged');
    stage = `session ${sessionId}, turn ${turnId} acknowledged, no token yet`;
    while (!firstToken.has(turnId)) {
      if (over) throw new Error('gave up');
      await sleep(20);
    }
    return {
      seconds: ((firstToken.get(turnId) as number) - since) / 1000,
      detail: `session ${sessionId}; ${reached.join(', ')}`,
    };
  })().catch((error: unknown) => ({
    // connect() and send() reject on fatal errors: a new session that does not work either.
    seconds: Infinity,
    detail: `failed (${stage}): ${toMessage(error)}`,
  }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<NewSessionResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          seconds: Infinity,
          detail: `no token within ${giveUpMs / 1000} s (${stage}; ${where(client)})`,
        }),
      Math.max(0, since + giveUpMs - Date.now()),
    );
  });
  try {
    return await Promise.race([work, gaveUp]);
  } finally {
    over = true;
    clearTimeout(timer);
    client.close();
  }
}

function where(client: LiteSessionClient): string {
  const state = client.state;
  return `client ${state.status}, ${state.attempt} reconnect attempts`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
