import { Logger } from '@nestjs/common';
import type { ChatSendRequest } from '@litesession/chat-protocol';
import type { SessionEvent } from '@litesession/rocketmq';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { TEST_TURN_SETTINGS as settings } from './turn-settings.fixture';
import { type ChatMessage, LlmProvider } from '../llm/llm-provider';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import { CancelWatch } from './cancel-watch';
import { SessionLogReader } from './session-log-reader';
import { conversationFor, TurnAbandonedError, TurnRunner } from './turn-runner';
import { TurnLedger } from '@litesession/chat-protocol';

/** A model that replies with fixed tokens, a few ms apart, and remembers what it was asked. */
class ScriptedModel extends LlmProvider {
  readonly name = 'scripted';
  readonly asked: ChatMessage[][] = [];
  failAfter: number | undefined;
  gapMs = 2;

  constructor(private readonly tokens: string[]) {
    super();
  }

  async *stream(conversation: readonly ChatMessage[], signal: AbortSignal): AsyncIterable<string> {
    this.asked.push([...conversation]);
    for (const [index, token] of this.tokens.entries()) {
      if (this.failAfter === index) throw new Error('model crashed');
      await new Promise((resolve) => setTimeout(resolve, this.gapMs));
      if (signal.aborted) return;
      yield token;
    }
  }
}

/** 100 tokens, 10 ms apart: about a second, long enough to stop midway. */
function slowModel(): ScriptedModel {
  const slow = new ScriptedModel(Array.from({ length: 100 }, (_, i) => `w${i} `));
  slow.gapMs = 10;
  return slow;
}

describe('TurnRunner', () => {
  let log: InMemorySessionChannels;
  let control: InMemorySessionChannels;
  let model: ScriptedModel;
  let runner: TurnRunner;
  const sessionId = 's-1';
  const request = (turnId: string, text: string): ChatSendRequest => ({
    v: 1,
    kind: 'chat.send',
    sessionId,
    turnId,
    text,
    ts: 1,
  });

  const runnerFor = (llm: LlmProvider) =>
    new TurnRunner(
      log,
      new SessionLogReader(log),
      new CancelWatch(control),
      llm,
      settings,
      new SchedulerMetrics(),
    );

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    log = new InMemorySessionChannels();
    control = new InMemorySessionChannels();
    model = new ScriptedModel(['Hel', 'lo ', 'there']);
    runner = runnerFor(model);
  });

  async function events(): Promise<SessionEvent[]> {
    const seen: SessionEvent[] = [];
    const subscription = await log.subscribe(sessionId, { fromSeq: 0 }, (e) => seen.push(e));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.unsubscribe();
    return seen;
  }

  it('writes user.message, turn.started, the tokens and turn.completed with the whole reply', async () => {
    expect(await runner.run(request('t1', 'hi'), 1)).toBe('completed');
    const written = await events();
    expect(written.map((e) => e.type)).toEqual([
      'user.message',
      'turn.started',
      ...written.filter((e) => e.type === 'token').map(() => 'token'),
      'turn.completed',
    ]);
    expect(written.every((e) => e.turnId === 't1')).toBe(true);
    expect(written[0]).toMatchObject({ text: 'hi' });
    const tokens = written.filter((e) => e.type === 'token').map((e) => e.text);
    expect(tokens.join('')).toBe('Hello there');
    expect(written.at(-1)?.text).toBe('Hello there');
  });

  it('gives the model the whole conversation, read back from the log', async () => {
    await runner.run(request('t1', 'first'), 1);
    await runner.run(request('t2', 'second'), 1);
    expect(model.asked[1]).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'second' },
    ]);
  });

  it("runs a request that arrives while the session's previous turn runs after that turn, with its reply", async () => {
    const slow = slowModel();
    runner = runnerFor(slow);
    const first = runner.run(request('t1', 'first'), 1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // t1 is streaming
    const second = runner.run(request('t2', 'second'), 1);
    expect(await first).toBe('completed');
    expect(await second).toBe('completed');
    const written = await events();
    const t1Completed = written.findIndex((e) => e.turnId === 't1' && e.type === 'turn.completed');
    const t2Started = written.findIndex((e) => e.turnId === 't2' && e.type === 'turn.started');
    const t2Message = written.findIndex((e) => e.turnId === 't2' && e.type === 'user.message');
    expect(t2Message).toBeLessThan(t1Completed); // its marker went in mid-turn
    expect(t2Started).toBeGreaterThan(t1Completed); // but it started only after t1 ended
    expect(written.slice(t2Started).some((e) => e.turnId === 't1')).toBe(false);
    expect(slow.asked[1]?.[1]).toEqual({
      role: 'assistant',
      content: Array.from({ length: 100 }, (_, i) => `w${i} `).join(''),
    });
  });

  it('takes over a turn that died midway: turn.restarted, then the whole reply again', async () => {
    await log.publish(sessionId, { type: 'user.message', turnId: 't1', text: 'hi' });
    await log.publish(sessionId, { type: 'turn.started', turnId: 't1' });
    await log.publish(sessionId, { type: 'token', turnId: 't1', text: 'Hel' });
    expect(await runner.run(request('t1', 'hi'), 2)).toBe('completed');
    const written = await events();
    const restart = written.findIndex((e) => e.type === 'turn.restarted');
    expect(restart).toBe(3);
    const after = written.slice(restart + 1);
    expect(after.filter((e) => e.type === 'user.message' || e.type === 'turn.started')).toEqual([]);
    expect(
      after
        .filter((e) => e.type === 'token')
        .map((e) => e.text)
        .join(''),
    ).toBe('Hello there');
    expect(after.at(-1)).toMatchObject({ type: 'turn.completed', text: 'Hello there' });
    expect(model.asked[0]).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('takes over a turn whose request never reached the log: the user message is written after turn.restarted', async () => {
    expect(await runner.run(request('t1', 'hi'), 2)).toBe('completed');
    expect((await events()).slice(0, 3).map((e) => e.type)).toEqual([
      'turn.restarted',
      'user.message',
      'turn.started',
    ]);
  });

  it('takes over a turn that had ended by writing its ending again, without asking the model', async () => {
    await log.publish(sessionId, { type: 'user.message', turnId: 't1', text: 'hi' });
    await log.publish(sessionId, { type: 'turn.completed', turnId: 't1', text: 'done before' });
    expect(await runner.run(request('t1', 'hi'), 2)).toBe('completed');
    expect((await events()).slice(2).map((e) => [e.type, e.text])).toEqual([
      ['turn.restarted', undefined],
      ['turn.completed', 'done before'],
    ]);
    expect(model.asked).toEqual([]);
  });

  it('does not run a repeated request of a turn that ended', async () => {
    await runner.run(request('t1', 'hi'), 1);
    const before = (await events()).length;
    expect(await runner.run(request('t1', 'hi'), 1)).toBe('duplicate');
    expect(model.asked).toHaveLength(1);
    expect((await events()).length).toBe(before + 1); // only the repeated user.message it read up to
  });

  it('stops on a cancel from the control channel and writes turn.cancelled with the partial reply', async () => {
    model = slowModel();
    runner = runnerFor(model);
    setTimeout(() => void control.publish(sessionId, { type: 'turn.cancel', turnId: 't1' }), 100);
    expect(await runner.run(request('t1', 'long'), 1)).toBe('cancelled');
    const written = await events();
    const last = written.at(-1);
    expect(last?.type).toBe('turn.cancelled');
    const tokens = written
      .filter((e) => e.type === 'token')
      .map((e) => e.text)
      .join('');
    expect(last?.text).toBe(tokens);
    expect(tokens.split(' ').length).toBeLessThan(50);
  });

  it('ends the turn with turn.failed when the model fails', async () => {
    model.failAfter = 1;
    expect(await runner.run(request('t1', 'hi'), 1)).toBe('failed');
    const last = (await events()).at(-1);
    expect(last).toMatchObject({ type: 'turn.failed', data: { code: 'model_error' } });
    expect(last?.text).toContain('model crashed');
  });

  it('writes nothing more once the process abandons its turns at shutdown', async () => {
    model = slowModel();
    runner = runnerFor(model);
    const running = runner.run(request('t1', 'long'), 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    runner.abandonAll();
    await expect(running).rejects.toBeInstanceOf(TurnAbandonedError);
    const count = (await events()).length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = await events();
    expect(written).toHaveLength(count);
    expect(written.some((e) => e.type === 'turn.completed' || e.type === 'turn.failed')).toBe(false);
  });
});

describe('conversationFor', () => {
  it('lists earlier turns with their replies (failed turns without one) and ends with the current user text', () => {
    const ledger = new TurnLedger();
    [
      { type: 'user.message', turnId: 'a', text: 'one' },
      { type: 'turn.completed', turnId: 'a', text: 'reply one' },
      { type: 'user.message', turnId: 'b', text: 'two' },
      { type: 'turn.failed', turnId: 'b' },
      { type: 'user.message', turnId: 'c', text: 'three' },
    ].forEach((e) => ledger.observe(e));
    expect(conversationFor(ledger.turns(), 'c')).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'reply one' },
      { role: 'user', content: 'two' },
      { role: 'user', content: 'three' },
    ]);
  });
});
