import { Conversation, type SessionTicket } from '../load/conversation-client';
import type { RunningPath } from '../paths/bench-path';
import { rssBytes } from '../measure/proc-stats';
import { linearFit } from '../measure/stats';
import type { HistoryMemoryResult, MemorySample } from '../results';
import { type ScenarioContext, seconds, sleep } from './scenario-context';
import { toMessage } from '@litesession/edge/errors';

/** Tokens per reply while the histories are written: short, so that 20 turns do not take minutes. */
const HISTORY_REPLY_TOKENS = 20;
/** Sessions running their turns at once while the histories are written. */
const WRITERS = 100;
const RAMP_STEPS = 5;
const SETTLE_MS = 3000;

/**
 * Issue 11's memory target: a connected session whose log holds `turns` turns costs the gateway no more
 * than an empty one. Three gateways of one path: `sessions` sessions run `turns` turns each through the
 * third and leave. Then, in equal steps, the first gateway gets as many new empty sessions and the second
 * the sessions with history, each resumed after its last event. Both gateways are fresh processes, so
 * neither reuses memory the other phase freed; memory per session is the slope of RSS against open
 * sessions on each.
 */
export async function runHistoryMemory(
  context: ScenarioContext,
  sessions: number,
  turns: number,
): Promise<HistoryMemoryResult> {
  const { path, settings, progress } = context;
  const running = await path.start({
    gateways: 3,
    tokensPerSecond: settings.tokensPerSecond,
    replyTokens: HISTORY_REPLY_TOKENS,
    maxSessions: WRITERS,
  });
  const [emptyUrl, historyUrl, writerUrl] = running.gatewayUrls as [string, string, string];
  const open: Conversation[] = [];
  try {
    const began = Date.now();
    const { tickets, leftOut } = await writeHistories(running, writerUrl, sessions, turns, (done) =>
      progress(`${done}/${sessions} sessions have written ${turns} turns (${seconds(Date.now() - began)})`),
    );
    if (leftOut.length > 0)
      progress(`${leftOut.length} sessions left out (${leftOut[0]}); measuring ${tickets.length}`);
    if (tickets.length === 0) throw new Error(`no session got ${turns} turns: ${leftOut[0] ?? ''}`);
    await running.waitIdle?.(60_000);
    await sleep(SETTLE_MS);
    const empty = await ramp(running.gatewayPid(0), tickets.length, open, () =>
      Conversation.open(running, emptyUrl),
    );
    progress(`empty sessions: ${describe(empty)}`);
    const history = await ramp(running.gatewayPid(1), tickets.length, open, (index) =>
      Conversation.open(running, historyUrl, tickets[index]),
    );
    progress(`sessions with ${turns} turns: ${describe(history)}`);
    const logEvents = tickets.map((ticket) => ticket.events).sort((a, b) => a - b);
    return {
      path: path.name,
      sessions: tickets.length,
      leftOut: leftOut.length,
      turns,
      medianLogEvents: logEvents[Math.floor(logEvents.length / 2)] ?? 0,
      emptySamples: empty,
      historySamples: history,
      emptyBytesPerSession: slope(empty),
      historyBytesPerSession: slope(history),
    };
  } finally {
    for (const conversation of open) conversation.close();
    await running.waitIdle?.(30_000);
    await running.stop();
  }
}

/**
 * `sessions` new sessions through `url`, `WRITERS` at a time, each running `turns` turns. A session one of
 * whose turns did not end in time has a shorter history: it is left out (its reason returned).
 */
async function writeHistories(
  running: RunningPath,
  url: string,
  sessions: number,
  turns: number,
  progress: (done: number) => void,
): Promise<{ tickets: SessionTicket[]; leftOut: string[] }> {
  const tickets: SessionTicket[] = [];
  const leftOut: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(WRITERS, sessions) }, async () => {
      while (next < sessions) {
        const index = next++;
        const conversation = await Conversation.open(running, url);
        try {
          for (let turn = 1; turn <= turns; turn += 1)
            await conversation.turn(`history ${index} turn ${turn}`);
          tickets.push(conversation.ticket());
        } catch (error) {
          leftOut.push(toMessage(error));
        } finally {
          conversation.close();
        }
        const done = tickets.length + leftOut.length;
        if (done % Math.max(1, Math.floor(sessions / 10)) === 0) progress(done);
      }
    }),
  );
  return { tickets, leftOut };
}

/** Opens `sessions` sessions in RAMP_STEPS steps, sampling the gateway's RSS after each step settles. */
async function ramp(
  gatewayPid: number,
  sessions: number,
  open: Conversation[],
  connect: (index: number) => Promise<Conversation>,
): Promise<MemorySample[]> {
  const samples: MemorySample[] = [{ sessions: 0, gatewayRssBytes: rssBytes(gatewayPid) }];
  let opened = 0;
  for (let step = 1; step <= RAMP_STEPS; step += 1) {
    const until = Math.round((sessions * step) / RAMP_STEPS);
    const batch: Array<Promise<Conversation>> = [];
    for (; opened < until; opened += 1) batch.push(connect(opened));
    open.push(...(await Promise.all(batch)));
    await sleep(SETTLE_MS);
    samples.push({ sessions: opened, gatewayRssBytes: rssBytes(gatewayPid) });
  }
  return samples;
}

function slope(samples: readonly MemorySample[]): number {
  return linearFit(samples.map((s) => [s.sessions, s.gatewayRssBytes])).slope;
}

function describe(samples: readonly MemorySample[]): string {
  const last = samples.at(-1);
  return `${last?.sessions ?? 0} open, gateway RSS ${((last?.gatewayRssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB, ${(slope(samples) / 1024).toFixed(1)} KiB/session`;
}
