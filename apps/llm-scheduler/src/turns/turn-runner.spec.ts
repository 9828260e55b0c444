import { Logger } from '@nestjs/common';
import type { ChatSendRequest } from '@litesession/chat-protocol';
import { type SessionEvent, SessionChannelError } from '@litesession/rocketmq';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { TEST_TURN_SETTINGS as settings } from './turn-settings.fixture';
import { type ChatMessage, LlmProvider } from '../llm/llm-provider';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import { CancelWatch } from './cancel-watch';
import { SessionContexts } from './session-contexts';
import { SessionLogReader } from './session-log-reader';
import { SessionTranscript } from './session-transcript';
import { conversationFor, TurnRunner } from './turn-runner';
import { TurnAbandonedError } from './turn-outcome';
import { TurnGeneration } from './turn-generation';
import { TurnLogFold } from './turn-log-fold';
import type { TurnSettings } from '../config/scheduler.tokens';
import { TurnSlots } from './turn-slots';
import { LeaseLostError } from '@litesession/rocketmq/transport';
import { TurnLedger } from '@litesession/chat-protocol';

/** A model that replies with fixed tokens, a few ms apart, and remembers what it was asked. */
class ScriptedModel extends LlmProvider {
  readonly name = 'scripted';
  readonly model = 'scripted-model';
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

/** A runner with its parts as the module wires them. */
function assembleRunner(
  log: InMemorySessionChannels,
  reader: SessionLogReader,
  contexts: SessionContexts,
  transcript: SessionTranscript,
  cancels: CancelWatch,
  llm: LlmProvider,
  slots: TurnSlots,
  turnSettings: TurnSettings,
  metrics: SchedulerMetrics,
): TurnRunner {
  const fold = new TurnLogFold(reader, contexts, transcript, turnSettings, metrics);
  const generation = new TurnGeneration(llm, turnSettings, metrics);
  return new TurnRunner(log, fold, transcript, cancels, generation, slots, turnSettings, metrics);
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
  let contexts: SessionContexts;
  let transcript: SessionTranscript;
  const sessionId = 's-1';
  const request = (turnId: string, text: string): ChatSendRequest => ({
    v: 1,
    kind: 'chat.send',
    sessionId,
    turnId,
    text,
    ts: 1,
  });

  /** `ownContexts`: another process's (a scheduler keeps its own). */
  const runnerFor = (llm: LlmProvider, ownContexts = contexts, slots = new TurnSlots(8)) =>
    assembleRunner(
      log,
      new SessionLogReader(log),
      ownContexts,
      transcript,
      new CancelWatch(control),
      llm,
      slots,
      settings,
      new SchedulerMetrics(),
    );

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    log = new InMemorySessionChannels();
    control = new InMemorySessionChannels();
    contexts = new SessionContexts(10);
    transcript = new SessionTranscript(new InMemorySessionChannels(), settings);
    model = new ScriptedModel(['Hel', 'lo ', 'there']);
    runner = runnerFor(model);
  });

  async function events(session = sessionId): Promise<SessionEvent[]> {
    const seen: SessionEvent[] = [];
    const subscription = await log.subscribe(session, { fromSeq: 0 }, (e) => seen.push(e));
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
    expect(written[1]?.data).toMatchObject({ model: 'scripted-model' }); // who answers, for the clients
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

  it('reads only what came since its last read of the session, and keeps the whole conversation', async () => {
    const reader = new SessionLogReader(log);
    const follow = jest.spyOn(reader, 'follow');
    runner = assembleRunner(
      log,
      reader,
      contexts,
      transcript,
      new CancelWatch(control),
      model,
      new TurnSlots(8),
      settings,
      new SchedulerMetrics(),
    );

    for (const [turnId, text] of [
      ['t1', 'one'],
      ['t2', 'two'],
      ['t3', 'three'],
    ] as const) {
      await runner.run(request(turnId, text), 1);
    }

    // Each read starts at the previous turn's marker (its user.message), not at seq 0.
    const markers = (await events()).filter((e) => e.type === 'user.message').map((e) => e.seq);
    expect(follow.mock.calls.map(([, fromSeq]) => fromSeq)).toEqual([0, markers[0], markers[1]]);
    expect(model.asked[2]).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'three' },
    ]);
  });

  it('sees the turns another scheduler ran since its own last read of the session', async () => {
    const other = runnerFor(new ScriptedModel(['other ', 'reply']), new SessionContexts(10));

    await runner.run(request('t1', 'one'), 1);
    await other.run(request('t2', 'two'), 1);
    await runner.run(request('t3', 'three'), 1);

    expect(model.asked[1]).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'other reply' },
      { role: 'user', content: 'three' },
    ]);
  });

  describe('a scheduler new to the session', () => {
    const conversationOfThree = [
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'three' },
    ];

    function newcomer() {
      const reader = new SessionLogReader(log);
      const follow = jest.spyOn(reader, 'follow');
      const fresh = new ScriptedModel(['ok']);
      const other = assembleRunner(
        log,
        reader,
        new SessionContexts(10),
        transcript,
        new CancelWatch(control),
        fresh,
        new TurnSlots(8),
        settings,
        new SchedulerMetrics(),
      );
      return { other, follow, fresh };
    }

    it('reads the transcript, then the log only from the last recorded turn', async () => {
      await runner.run(request('t1', 'one'), 1);
      await runner.run(request('t2', 'two'), 1);
      const { other, follow, fresh } = newcomer();

      await other.run(request('t3', 'three'), 1);

      const markers = (await events()).filter((e) => e.type === 'user.message').map((e) => e.seq);
      expect(follow.mock.calls.map(([, fromSeq]) => fromSeq)).toEqual([markers[1]]);
      expect(fresh.asked[0]).toEqual(conversationOfThree);
    });

    it('reads the whole log when the transcript lacks a turn (its entry was never written)', async () => {
      jest.spyOn(transcript, 'record').mockRejectedValueOnce(new Error('broker away'));
      await runner.run(request('t1', 'one'), 1);
      await runner.run(request('t2', 'two'), 1);
      const { other, follow, fresh } = newcomer();

      await other.run(request('t3', 'three'), 1);

      expect(follow.mock.calls.map(([, fromSeq]) => fromSeq)).toEqual([0]);
      expect(fresh.asked[0]).toEqual(conversationOfThree);
    });

    it('reads the whole log when the transcript cannot be read', async () => {
      await runner.run(request('t1', 'one'), 1);
      await runner.run(request('t2', 'two'), 1);
      const { other, follow, fresh } = newcomer();
      jest.spyOn(transcript, 'read').mockRejectedValueOnce(new Error('timed out'));

      await other.run(request('t3', 'three'), 1);

      expect(follow.mock.calls.map(([, fromSeq]) => fromSeq)).toEqual([0]);
      expect(fresh.asked[0]).toEqual(conversationOfThree);
    });

    it('does not run a turn the transcript shows ended', async () => {
      await runner.run(request('t1', 'one'), 1);
      const { other, fresh } = newcomer();

      expect(await other.run(request('t1', 'one'), 1)).toBe('duplicate');
      expect(fresh.asked).toEqual([]);
    });
  });

  it('reads the log again from seq 0 when a read skipped events, instead of waiting for an ending it missed', async () => {
    // Another scheduler ran t1; this one is new to the session and its transcript is unreadable, so it
    // reads the log from seq 0. That first read loses t1's ending (the channel gave up re-positioning past
    // a hole and reported a gap): folded as it came, t1 would look running and t2 would wait for it.
    const other = runnerFor(new ScriptedModel(['other ', 'reply']), new SessionContexts(10));
    await other.run(request('t1', 'one'), 1);
    const ending = (await events()).find((e) => e.type === 'turn.completed')?.seq as number;
    const subscribe = log.subscribe.bind(log);
    let reads = 0;
    jest.spyOn(log, 'subscribe').mockImplementation((id, options, listener) => {
      reads += 1;
      if (reads > 1) return subscribe(id, options, listener);
      return subscribe(id, options, (event) => {
        if (event.seq === ending) return;
        if (event.seq === ending + 1) options.onGap?.(ending, event.seq);
        listener(event);
      });
    });
    jest.spyOn(transcript, 'read').mockRejectedValueOnce(new Error('timed out'));
    const metrics = new SchedulerMetrics();
    runner = assembleRunner(
      log,
      new SessionLogReader(log),
      new SessionContexts(10),
      transcript,
      new CancelWatch(control),
      model,
      new TurnSlots(8),
      { ...settings, turnTimeoutMs: 60_000 },
      metrics,
    );

    expect(await runner.run(request('t2', 'two'), 1)).toBe('completed');

    expect(reads).toBe(2);
    expect((await metrics.logRereads.get()).values[0]?.value).toBe(1);
    expect(model.asked[0]).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'other reply' },
      { role: 'user', content: 'two' },
    ]);
  });

  it('takes over an older turn without waiting for a newer one queued behind it', async () => {
    // t1's writer died mid-turn; t2 was queued after it (its marker is in the log, its run waits for t1).
    await log.publish(sessionId, {
      type: 'user.message',
      turnId: 't1',
      text: 'one',
      data: { attempt: 'a1' },
    });
    await log.publish(sessionId, { type: 'turn.started', turnId: 't1', data: { attempt: 'a1' } });
    await log.publish(sessionId, { type: 'token', turnId: 't1', text: 'Hel', data: { attempt: 'a1' } });
    await log.publish(sessionId, {
      type: 'user.message',
      turnId: 't2',
      text: 'two',
      data: { attempt: 'b1' },
    });

    expect(await runner.run(request('t1', 'one'), 2)).toBe('completed');

    const t1 = (await events()).filter((e) => e.turnId === 't1').map((e) => e.type);
    expect(t1.slice(-2)).toEqual(['token', 'turn.completed']);
    expect(t1).toContain('turn.restarted');
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
    expect(written[3]).toMatchObject({ type: 'user.message', text: 'hi' }); // the redelivery's marker
    expect(restart).toBe(4);
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

  describe('a takeover of a turn the transcript shows running', () => {
    /** Runs t1 on another scheduler with the slow model until `tokens` tokens are in the log, then kills it. */
    async function diedAfter(tokens: number): Promise<void> {
      const controller = new AbortController();
      const first = runnerFor(slowModel(), new SessionContexts(10));
      const running = first.run(request('t1', 'hi'), 1, {
        signal: controller.signal,
        handBack: () => undefined,
      });
      for (;;) {
        if ((await events()).filter((e) => e.type === 'token').length >= tokens) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      controller.abort(new LeaseLostError('killed'));
      await running.catch(() => undefined);
    }

    it('reads from the log’s end and the few events before its marker, not every token of the dead attempt', async () => {
      await diedAfter(60);
      const follows: Array<[number, boolean]> = [];
      const subscribe = log.subscribe.bind(log);
      jest.spyOn(log, 'subscribe').mockImplementation((session, options, listener) => {
        follows.push([options.fromSeq ?? 0, options.fromEnd ?? false]);
        return subscribe(session, options, listener);
      });
      const taker = runnerFor(model, new SessionContexts(10));

      expect(await taker.run(request('t1', 'hi'), 2)).toBe('completed');

      const written = await events();
      const marker = written.findLastIndex((e) => e.type === 'user.message');
      // The dead attempt's marker is seq 0: the end first, then the 32 events before the new marker (the
      // reads after them are this test's own).
      expect(follows.slice(0, 2)).toEqual([
        [0, true],
        [marker - 32, false],
      ]);
      expect(written[marker + 1]).toMatchObject({ type: 'turn.restarted' });
      expect(written.at(-1)).toMatchObject({ type: 'turn.completed', text: 'Hello there' });
      expect(model.asked[0]).toEqual([{ role: 'user', content: 'hi' }]);
    });

    it('does not run again a turn that ended in the log although the transcript missed its ending', async () => {
      // The writer died between the ending and its transcript entry: only the "open" entry is there.
      jest.spyOn(transcript, 'record').mockRejectedValueOnce(new Error('killed before the entry'));
      expect(await runner.run(request('t1', 'hi'), 1)).toBe('completed');
      const taker = runnerFor(model, new SessionContexts(10));

      expect(await taker.run(request('t1', 'hi'), 2)).toBe('completed');

      const written = await events();
      expect(written.filter((e) => e.type === 'turn.completed')).toHaveLength(1);
      expect(written.at(-1)).toMatchObject({ type: 'user.message' }); // only the redelivery's marker
      expect(model.asked).toHaveLength(1);
    });

    it('reads the transcript once when it shows no open turn, and then the log as for any turn', async () => {
      await log.publish(sessionId, { type: 'user.message', turnId: 't1', text: 'hi' });
      await log.publish(sessionId, { type: 'token', turnId: 't1', text: 'Hel' });
      const reads = jest.spyOn(transcript, 'read');

      expect(await runner.run(request('t1', 'hi'), 2)).toBe('completed');

      expect(reads).toHaveBeenCalledTimes(1);
      expect((await events()).at(-1)).toMatchObject({ type: 'turn.completed', text: 'Hello there' });
    });

    it('reads the whole turn when a turn it does not know shows up before its marker', async () => {
      await diedAfter(60);
      // A later turn's marker, written while t1 ran (its scheduler waits for t1 to end).
      await log.publish(sessionId, {
        type: 'user.message',
        turnId: 't2',
        text: 'next',
        data: { attempt: 'x' },
      });
      const taker = runnerFor(model, new SessionContexts(10));

      expect(await taker.run(request('t1', 'hi'), 2)).toBe('completed');

      const written = await events();
      expect(written.at(-1)).toMatchObject({ type: 'turn.completed', turnId: 't1', text: 'Hello there' });
      expect(model.asked[0]).toEqual([{ role: 'user', content: 'hi' }]);
    });
  });

  it('marks every event of one run with its attempt, and a takeover with another one', async () => {
    await log.publish(sessionId, {
      type: 'user.message',
      turnId: 't1',
      text: 'hi',
      data: { attempt: 'dead-writer' },
    });
    await log.publish(sessionId, {
      type: 'token',
      turnId: 't1',
      text: 'Hel',
      data: { attempt: 'dead-writer' },
    });
    expect(await runner.run(request('t1', 'hi'), 2)).toBe('completed');
    const written = (await events()).slice(2);
    const attempts = new Set(written.map((e) => e.data?.['attempt']));
    expect(attempts.size).toBe(1);
    expect(attempts.has('dead-writer')).toBe(false);
    expect(written.slice(0, 2).map((e) => e.type)).toEqual(['user.message', 'turn.restarted']);
  });

  it('runs a redelivered request whose turn the log does not show as a new turn', async () => {
    expect(await runner.run(request('t1', 'hi'), 2)).toBe('completed');
    expect((await events()).slice(0, 2).map((e) => e.type)).toEqual(['user.message', 'turn.started']);
  });

  it('leaves a turn that had ended ended on a redelivery: only the repeated user.message, no model call', async () => {
    await log.publish(sessionId, { type: 'user.message', turnId: 't1', text: 'hi' });
    await log.publish(sessionId, { type: 'turn.completed', turnId: 't1', text: 'done before' });
    expect(await runner.run(request('t1', 'hi'), 2)).toBe('completed');
    expect((await events()).slice(2).map((e) => e.type)).toEqual(['user.message']);
    const ledger = new TurnLedger();
    (await events()).forEach((e) => ledger.observe(e));
    expect(ledger.get('t1')).toMatchObject({ status: 'completed', reply: 'done before' });
    expect(model.asked).toEqual([]);
  });

  describe('a second request of a turn that is running', () => {
    const started = async (ts: number) => {
      await log.publish(sessionId, { type: 'user.message', turnId: 't1', text: 'hi', ts });
      await log.publish(sessionId, { type: 'turn.started', turnId: 't1', ts });
      await log.publish(sessionId, { type: 'token', turnId: 't1', text: 'Hel', ts });
    };

    it('does not run a client’s repeat: the original request is leased by its scheduler', async () => {
      await started(Date.now() - 60_000);
      expect(await runner.run(request('t1', 'hi'), 1)).toBe('duplicate');
      expect(model.asked).toEqual([]);
    });

    it('does not run a gateway’s copy while the turn’s writer is still writing', async () => {
      await started(Date.now());
      expect(await runner.run({ ...request('t1', 'hi'), resend: 1 }, 1)).toBe('duplicate');
      expect(model.asked).toEqual([]);
    });

    it('takes the turn over on a gateway’s copy once its writer went silent', async () => {
      await started(Date.now() - settings.silentWriterMs - 1000);
      expect(await runner.run({ ...request('t1', 'hi'), resend: 1 }, 1)).toBe('completed');
      const after = (await events()).slice(3);
      expect(after.slice(0, 2).map((e) => e.type)).toEqual(['user.message', 'turn.restarted']);
      expect(after.at(-1)).toMatchObject({ type: 'turn.completed', text: 'Hello there' });
      expect(model.asked).toHaveLength(1);
    });

    it('takes over on a copy even when other deliveries’ markers are recent: they are no sign of the writer', async () => {
      await started(Date.now() - settings.silentWriterMs - 1000);
      await log.publish(sessionId, {
        type: 'user.message',
        turnId: 't1',
        text: 'hi',
        data: { attempt: 'a-2' },
      });
      expect(await runner.run({ ...request('t1', 'hi'), resend: 1 }, 1)).toBe('completed');
      expect(model.asked).toHaveLength(1);
    });

    it('runs a gateway’s copy of a request the log does not show as a new turn', async () => {
      expect(await runner.run({ ...request('t1', 'hi'), resend: 2 }, 1)).toBe('completed');
      expect((await events()).map((e) => e.type).slice(0, 2)).toEqual(['user.message', 'turn.started']);
    });
  });

  describe('while the broker refuses the first calls (its restart)', () => {
    /** Refuses `times` publishes and subscribes, as the proxy does in a broker restart's first seconds. */
    const refusing = (times: number) => {
      let left = times;
      const refuse = () => {
        if (left <= 0) return false;
        left -= 1;
        return true;
      };
      const publish = log.publish.bind(log);
      const subscribe = log.subscribe.bind(log);
      jest.spyOn(log, 'publish').mockImplementation(async (...args) => {
        if (refuse()) throw new SessionChannelError('Publishing failed: group not found');
        return publish(...args);
      });
      jest.spyOn(log, 'subscribe').mockImplementation(async (...args) => {
        if (refuse()) throw new SessionChannelError('Subscribing failed: group not found');
        return subscribe(...args);
      });
    };

    it('tries the marker and the log read again instead of spending a delivery attempt', async () => {
      refusing(2);
      expect(await runner.run(request('t1', 'hi'), 1)).toBe('completed');
      const written = await events();
      expect(written.slice(0, 2).map((e) => e.type)).toEqual(['user.message', 'turn.started']);
      expect(written.at(-1)).toMatchObject({ type: 'turn.completed', text: 'Hello there' });
    });

    it('tries the cancel watch again too: its first subscribe after a restart is refused as well', async () => {
      let refusals = 2;
      const subscribe = control.subscribe.bind(control);
      jest.spyOn(control, 'subscribe').mockImplementation(async (...args) => {
        if (refusals-- > 0) throw new SessionChannelError('Subscribing failed: group not found');
        return subscribe(...args);
      });
      expect(await runner.run(request('t1', 'hi'), 1)).toBe('completed');
      expect((await events()).at(-1)).toMatchObject({ type: 'turn.completed', text: 'Hello there' });
    });

    it('gives up after brokerPatienceMs with the broker’s error', async () => {
      refusing(Number.POSITIVE_INFINITY);
      await expect(runner.run(request('t1', 'hi'), 1)).rejects.toBeInstanceOf(SessionChannelError);
      expect(model.asked).toEqual([]);
    });
  });

  it('does not run a repeated request of a turn that ended', async () => {
    await runner.run(request('t1', 'hi'), 1);
    const before = (await events()).length;
    expect(await runner.run(request('t1', 'hi'), 1)).toBe('duplicate');
    expect(model.asked).toHaveLength(1);
    expect((await events()).length).toBe(before + 1); // only the repeated user.message it read up to
  });

  describe('with its one model slot busy', () => {
    const otherSession = 's-2';
    const other = (turnId: string): ChatSendRequest => ({
      ...request(turnId, 'other'),
      sessionId: otherSession,
    });
    let busy: Promise<unknown>;

    beforeEach(async () => {
      await runner.run(other('o1'), 1); // an ended turn of another session, for the repeat below
      runner = runnerFor(slowModel(), contexts, new TurnSlots(1));
      busy = runner.run(request('t1', 'long'), 1);
      while (runner.running === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    });

    it('answers a repeated request of an ended turn without waiting for the slot', async () => {
      expect(await runner.run(other('o1'), 1)).toBe('duplicate');
      expect(runner.running).toBe(1); // the long turn still has the slot
      await busy;
    });

    it("writes a new turn's user.message at once, and starts it when the slot frees", async () => {
      const queued = runner.run(other('o2'), 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await events(otherSession)).map((e) => [e.type, e.turnId]).slice(-1)).toEqual([
        ['user.message', 'o2'],
      ]);
      expect(await busy).toBe('completed');
      expect(await queued).toBe('completed');
      const written = (await events(otherSession)).filter((e) => e.turnId === 'o2').map((e) => e.type);
      expect(written.slice(0, 2)).toEqual(['user.message', 'turn.started']);
      expect(written.at(-1)).toBe('turn.completed');
    });

    it('hands a turn still waiting for the slot back at shutdown, having written only its marker', async () => {
      const queued = runner.run(other('o2'), 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      runner.drain();
      runner.abandonAll();
      await expect(queued).rejects.toBeInstanceOf(TurnAbandonedError);
      await expect(busy).rejects.toBeInstanceOf(TurnAbandonedError);
      expect((await events(otherSession)).filter((e) => e.turnId === 'o2').map((e) => e.type)).toEqual([
        'user.message',
      ]);
    });
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

describe('TurnRunner and its lease', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('stops writing as soon as the lease is lost, and throws LeaseLostError', async () => {
    const log = new InMemorySessionChannels();
    const slow = new ScriptedModel(Array.from({ length: 100 }, (_, i) => `w${i} `));
    slow.gapMs = 10;
    const runner = assembleRunner(
      log,
      new SessionLogReader(log),
      new SessionContexts(10),
      new SessionTranscript(new InMemorySessionChannels(), settings),
      new CancelWatch(new InMemorySessionChannels()),
      slow,
      new TurnSlots(8),
      settings,
      new SchedulerMetrics(),
    );
    const controller = new AbortController();
    const lease = { signal: controller.signal, handBack: () => undefined };
    const running = runner.run(
      { v: 1, kind: 'chat.send', sessionId: 's-2', turnId: 't1', text: 'long', ts: 1 },
      1,
      lease,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    controller.abort(new LeaseLostError('renewal refused'));
    await expect(running).rejects.toBeInstanceOf(LeaseLostError);
    const count = async () => {
      const seen: unknown[] = [];
      const sub = await log.subscribe('s-2', { fromSeq: 0 }, (e) => seen.push(e));
      await new Promise((resolve) => setTimeout(resolve, 10));
      await sub.unsubscribe();
      return seen.length;
    };
    const written = await count();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await count()).toBe(written);
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
