/**
 * The HTTP/SSE face against real processes: HTTP client → two gateway processes → RocketMQ 5.5 → one LLM
 * scheduler (simulated model). The SSE stream is read with eventsource-parser, as the AI SDK reads one;
 * the serving node is SIGKILLed mid-reply and the stream is resumed on the other with Last-Event-ID.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ChatEventPayload } from '@litesession/chat-protocol';
import { eventually } from '@litesession/rocketmq/testing';
import { expectGapless, expectTokensMatchReply } from './support/chat-client';
import { E2E_USER, GatewayProcess } from './support/gateway-process';
import { mintJwt } from './support/identity';
import { SchedulerProcess } from './support/scheduler-process';

const run = promisify(execFile);

interface Created {
  sessionId: string;
  resumeToken: string;
  node: string;
}

/** One GET …/events, read until it ends or is closed. */
class EventStream {
  readonly events: EventSourceMessage[] = [];
  status = 0;
  private readonly abort = new AbortController();
  readonly ended: Promise<void>;

  constructor(url: string, headers: Record<string, string>) {
    this.ended = this.read(url, headers);
  }

  chatEvents(): ChatEventPayload[] {
    return this.events
      .filter((e) => e.event === 'chat.event')
      .map((e) => JSON.parse(e.data) as ChatEventPayload);
  }

  close(): void {
    this.abort.abort();
  }

  private async read(url: string, headers: Record<string, string>): Promise<void> {
    try {
      const response = await fetch(url, { headers, signal: this.abort.signal });
      this.status = response.status;
      if (!response.body) return;
      const parser = createParser({ onEvent: (event) => this.events.push(event) });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        parser.feed(value);
      }
    } catch {
      // the node was killed, or close()
    }
  }
}

describe('the HTTP/SSE face end to end', () => {
  let stable: GatewayProcess;
  let scheduler: SchedulerProcess;
  const streams: EventStream[] = [];

  beforeAll(async () => {
    [stable, scheduler] = await Promise.all([
      GatewayProcess.start('node-b'),
      SchedulerProcess.start('sched-1'),
    ]);
  });

  afterEach(() => streams.splice(0).forEach((s) => s.close()));

  afterAll(async () => {
    await Promise.all([stable?.stop(), scheduler?.stop()]);
  });

  const authorized = async (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${await mintJwt(E2E_USER)}`,
    ...extra,
  });

  const create = async (node: GatewayProcess): Promise<Created> => {
    const response = await fetch(`${node.url}/v1/sessions`, { method: 'POST', headers: await authorized() });
    expect(response.status).toBe(201);
    return (await response.json()) as Created;
  };

  const stream = async (node: GatewayProcess, session: Created, lastEventId?: number) => {
    const headers = await authorized({
      'x-resume-token': session.resumeToken,
      ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
    });
    const opened = new EventStream(`${node.url}/v1/sessions/${session.sessionId}/events`, headers);
    streams.push(opened);
    await eventually(() => opened.events.some((e) => e.event === 'session'), 30_000, 'the session event');
    return opened;
  };

  const sendMessage = async (node: GatewayProcess, session: Created, text: string, key: string) => {
    const response = await fetch(`${node.url}/v1/sessions/${session.sessionId}/messages`, {
      method: 'POST',
      headers: await authorized({
        'content-type': 'application/json',
        'x-resume-token': session.resumeToken,
        'idempotency-key': key,
      }),
      body: JSON.stringify({ text }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { turnId: string }).turnId;
  };

  const completed = (events: readonly ChatEventPayload[], turnId: string) =>
    events.some((e) => e.turnId === turnId && e.type === 'turn.completed');

  it('streams a turn posted over HTTP: every event once, in order, with its seq as the SSE id', async () => {
    const session = await create(stable);
    const events = await stream(stable, session);
    const turnId = await sendMessage(stable, session, 'hello over http', 'm-1');
    await eventually(() => completed(events.chatEvents(), turnId), 60_000, 'the turn to complete');
    const chat = events.chatEvents();
    expectGapless(chat);
    expect(events.events.filter((e) => e.event === 'chat.event').map((e) => e.id)).toEqual(
      chat.map((e) => String(e.seq)),
    );
    expect(chat.find((e) => e.type === 'user.message')?.text).toBe('hello over http');
    expectTokensMatchReply(chat, turnId);
  });

  it('SIGKILL of the serving node mid-reply: Last-Event-ID on the other node gets the rest, once', async () => {
    const killed = await GatewayProcess.start('node-k');
    try {
      const session = await create(killed);
      expect(session.node).toBe('node-k');
      const first = await stream(killed, session);
      const turnId = await sendMessage(killed, session, 'tell me a long story', 'm-kill');
      await eventually(
        () => first.chatEvents().filter((e) => e.type === 'token').length >= 3,
        60_000,
        'the first tokens',
      );
      await killed.stop('SIGKILL');
      await first.ended;
      const before = first.chatEvents();
      const lastSeq = before.at(-1)?.seq ?? -1;
      expect(completed(before, turnId)).toBe(false);

      const second = await stream(stable, session, lastSeq);
      expect(second.events.find((e) => e.event === 'session')?.data).toContain('"node":"node-b"');
      await eventually(() => completed(second.chatEvents(), turnId), 60_000, 'the turn to complete');
      const all = [...before, ...second.chatEvents()];
      expectGapless(all);
      expectTokensMatchReply(all, turnId);
      // The same Idempotency-Key names the same turn, which is not run again: posted here (where the
      // stream's turns know it) and on a node with no stream of the session (the scheduler finds it).
      expect(await sendMessage(stable, session, 'tell me a long story', 'm-kill')).toBe(turnId);
      const other = await GatewayProcess.start('node-o');
      try {
        expect(await sendMessage(other, session, 'tell me a long story', 'm-kill')).toBe(turnId);
      } finally {
        await other.stop();
      }
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // time for a second run to show
      const ofTurn = [...before, ...second.chatEvents()].filter((e) => e.turnId === turnId);
      expect(ofTurn.filter((e) => e.type === 'turn.started')).toHaveLength(1);
      expect(ofTurn.filter((e) => e.type === 'turn.completed')).toHaveLength(1);
    } finally {
      await killed.stop('SIGKILL').catch(() => undefined);
    }
  });

  it('chats with curl -N as docs/protocol.md shows', async () => {
    const token = await mintJwt(E2E_USER);
    const auth = ['-H', `Authorization: Bearer ${token}`];
    const created = await run('curl', ['-sS', '-X', 'POST', ...auth, `${stable.url}/v1/sessions`]);
    const session = JSON.parse(created.stdout) as Created;
    const resume = ['-H', `X-Resume-Token: ${session.resumeToken}`];
    const curl = spawn('curl', [
      '-sS',
      '-N',
      ...auth,
      ...resume,
      `${stable.url}/v1/sessions/${session.sessionId}/events`,
    ]);
    let output = '';
    curl.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      await eventually(() => output.includes('event:session'), 30_000, 'curl to see the session event');
      const sent = await run('curl', [
        '-sS',
        '-X',
        'POST',
        ...auth,
        ...resume,
        '-H',
        'Content-Type: application/json',
        '-H',
        'Idempotency-Key: curl-1',
        '-d',
        '{"text":"hi from curl"}',
        `${stable.url}/v1/sessions/${session.sessionId}/messages`,
      ]);
      const { turnId } = JSON.parse(sent.stdout) as { turnId: string };
      const ending = new RegExp(`"turnId":"${turnId}","type":"turn\\.completed"`);
      await eventually(() => ending.test(output), 60_000, 'curl to see the turn complete');
      expect(output).toMatch(/^id:\d+$/m);
    } finally {
      curl.kill();
    }
  });
});
