import { Logger } from '@nestjs/common';
import type { RocketMQProducer } from '../producer/rocketmq-producer';
import {
  InvalidSessionIdError,
  RocketMQStartupError,
  SessionChannelError,
  SessionChannelQuotaError,
  SessionChannelsClosedError,
  SessionEventDecodeError,
} from '../rocketmq.errors';
import { type RocketMQModuleOptions, resolveRocketMQOptions } from '../rocketmq.options';
import { encodeSessionEvent, type SessionEvent, type SessionEventInput } from '../session/session-event';
import { TimeoutError } from '../util/with-timeout';
import type { LinkHealth } from '../client/link-repair';
import type { LiteConsumer, LiteConsumerFactory, LiteDelivery } from './lite-consumer';
import { RocketMQSessionChannels } from './rocketmq-session-channels';
import type { RevocationReason, SubscribeOptions } from './session-channels';
import { deferred } from '../testing/deferred';

/** A broker call the test holds open: `started` resolves when the call arrives; the test then releases or fails it. */
interface HeldCall {
  started: Promise<void>;
  release(): void;
  fail(error: unknown): void;
}

type Step = () => Promise<void>;

/** The lite consumer port, in memory. Like the real client, it ignores a subscribe of a topic it already holds. */
class FakeLiteConsumer implements LiteConsumer {
  readonly subscribeCalls: Array<{ topic: string; fromOffset: number; atEnd?: boolean }> = [];
  readonly unsubscribeCalls: string[] = [];
  resyncCalls = 0;
  resyncFailure: Error | undefined;
  running = true;
  closed = false;
  private readonly held = new Map<string, number>();
  private readonly steps = { subscribe: [] as Step[], unsubscribe: [] as Step[] };

  async subscribeLite(topic: string, fromOffset: number, atEnd?: boolean): Promise<void> {
    this.subscribeCalls.push({ topic, fromOffset, ...(atEnd ? { atEnd } : {}) });
    if (this.held.has(topic)) return;
    await (this.steps.subscribe.shift() ?? noStep)();
    this.held.set(topic, fromOffset);
  }

  async unsubscribeLite(topic: string): Promise<void> {
    this.unsubscribeCalls.push(topic);
    await (this.steps.unsubscribe.shift() ?? noStep)();
    this.held.delete(topic);
  }

  async repositionLite(topic: string, fromOffset: number): Promise<void> {
    await this.unsubscribeLite(topic);
    await this.subscribeLite(topic, fromOffset);
  }

  getLiteTopicSet(): Set<string> {
    return new Set(this.held.keys());
  }

  async resync(): Promise<void> {
    this.resyncCalls += 1;
    if (this.resyncFailure) throw this.resyncFailure;
  }

  isRunning(): boolean {
    return this.running;
  }

  link: LinkHealth = { state: 'ok', since: 0 };
  readonly linkListeners = new Set<(health: LinkHealth) => void>();

  linkHealth(): LinkHealth {
    return this.link;
  }

  onLinkChange(listener: (health: LinkHealth) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  /** The consumer's receives start failing (or work again). */
  linkChanges(state: LinkHealth['state']): void {
    this.link = { state, since: Date.now() };
    this.linkListeners.forEach((listener) => listener(this.link));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.running = false;
  }

  /** The offset this client is subscribed at, as the broker sees it; undefined when not subscribed. */
  positionOf(topic: string): number | undefined {
    return this.held.get(topic);
  }

  /** The broker moved the topic to another client (or this client subscribed it earlier and forgot). */
  brokerDrops(topic: string): void {
    this.held.delete(topic);
  }

  brokerAdds(topic: string): void {
    this.held.set(topic, 0);
  }

  hold(call: 'subscribe' | 'unsubscribe'): HeldCall {
    const started = deferred();
    const outcome = deferred();
    this.steps[call].push(() => {
      started.resolve();
      return outcome.promise;
    });
    return {
      started: started.promise,
      release: () => outcome.resolve(),
      fail: (error) => outcome.reject(error),
    };
  }

  failNext(call: 'subscribe' | 'unsubscribe', error: unknown): void {
    this.steps[call].push(() => Promise.reject(error));
  }
}

async function noStep(): Promise<void> {
  // the broker answers at once
}

/** The slice of RocketMQProducer the channels use. */
class FakeProducer {
  readonly published: Array<{ sessionId: string; event: SessionEventInput }> = [];

  async publish(sessionId: string, event: SessionEventInput) {
    this.published.push({ sessionId, event });
    return { sessionId, seq: this.published.length - 1, messageId: `m-${this.published.length - 1}` };
  }
}

/** A listener that records what reaches it. */
function recorder(options: SubscribeOptions = {}) {
  const events: SessionEvent[] = [];
  const revoked: RevocationReason[] = [];
  const undecodable: Array<[number, SessionEventDecodeError]> = [];
  return {
    events,
    revoked,
    undecodable,
    seqs: () => events.map((e) => e.seq),
    listener: (event: SessionEvent) => events.push(event),
    options: {
      onRevoked: (reason: RevocationReason) => revoked.push(reason),
      onUndecodable: (seq: number, error: SessionEventDecodeError) => undecodable.push([seq, error]),
      ...options,
    },
  };
}

const baseOptions: RocketMQModuleOptions = {
  endpoints: '127.0.0.1:8081',
  startupTimeoutMs: 1_000,
  revocationCheckIntervalMs: 1_000,
  // Off unless a test is about it: its re-subscriptions would blur what the other tests assert.
  stallRecoveryMs: 0,
  sessionChannels: { parentTopic: 'chat', consumerGroup: 'gateway' },
};

describe('RocketMQSessionChannels', () => {
  const opened: RocketMQSessionChannels[] = [];

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((channels) => channels.onApplicationShutdown()));
    jest.useRealTimers();
  });

  function create(overrides: Partial<RocketMQModuleOptions> = {}, factory?: LiteConsumerFactory) {
    const consumer = new FakeLiteConsumer();
    const producer = new FakeProducer();
    let onMessage: ((delivery: LiteDelivery) => void) | undefined;
    const factoryCalls: number[] = [];
    const fakeFactory: LiteConsumerFactory =
      factory ??
      (async (_options, _logger, deliver) => {
        factoryCalls.push(1);
        onMessage = deliver;
        return consumer;
      });
    const channels = new RocketMQSessionChannels(
      resolveRocketMQOptions({ ...baseOptions, ...overrides }),
      fakeFactory,
      producer as unknown as RocketMQProducer,
    );
    opened.push(channels);
    const deliverRaw = (delivery: LiteDelivery): void => {
      if (!onMessage) throw new Error('the consumer was not started');
      onMessage(delivery);
    };
    const push = (
      sessionId: string,
      seq: number,
      input: SessionEventInput = { type: 'token', ts: 1, text: `#${seq}` },
    ) =>
      deliverRaw({
        liteTopic: sessionId,
        offset: seq,
        body: encodeSessionEvent(input),
        messageId: `msg-${sessionId}-${seq}`,
        deliveryAttempt: 1,
      });
    return { channels, consumer, producer, factoryCalls, push, deliverRaw };
  }

  async function started(overrides: Partial<RocketMQModuleOptions> = {}) {
    const harness = create(overrides);
    await harness.channels.onModuleInit();
    return harness;
  }

  it('reports the link to the broker as its consumer sees it, also to listeners registered before start-up', async () => {
    const harness = create();
    const seen: string[] = [];
    harness.channels.onLinkChange((health) => seen.push(health.state));
    await harness.channels.onModuleInit();
    expect(harness.channels.linkHealth().state).toBe('ok');
    harness.consumer.linkChanges('unavailable');
    expect(harness.channels.linkHealth().state).toBe('unavailable');
    harness.consumer.linkChanges('ok');
    expect(seen).toEqual(['unavailable', 'ok']);
  });

  describe('when the broker skips seqs', () => {
    const flush = () => new Promise((resolve) => setImmediate(resolve));

    it('re-positions the session at the seq the listener needs and delivers every seq once', async () => {
      const { channels, consumer, push } = await started();
      const a = recorder();
      const gaps: Array<[number, number]> = [];
      await channels.subscribe('s1', { ...a.options, onGap: (e, r) => gaps.push([e, r]) }, a.listener);

      push('s1', 0);
      push('s1', 3); // 1 and 2 went elsewhere (e.g. the node that gave the session up)
      await flush();

      expect(a.seqs()).toEqual([0]);
      expect(consumer.unsubscribeCalls).toEqual(['s1']);
      expect(consumer.positionOf('s1')).toBe(1);
      for (const seq of [1, 2, 3]) push('s1', seq);
      expect(a.seqs()).toEqual([0, 1, 2, 3]);
      expect(gaps).toEqual([]);
    });

    it('delivers and reports a gap that is still there after three re-positionings', async () => {
      const { channels, consumer, push } = await started();
      const a = recorder();
      const gaps: Array<[number, number]> = [];
      await channels.subscribe('s1', { ...a.options, onGap: (e, r) => gaps.push([e, r]) }, a.listener);

      for (let attempt = 0; attempt < 4; attempt += 1) {
        push('s1', 5);
        await flush();
      }

      expect(consumer.unsubscribeCalls).toHaveLength(3);
      expect(a.seqs()).toEqual([5]);
      expect(gaps).toEqual([[0, 5]]);
    });
  });

  describe('subscribe', () => {
    it('subscribes the session lite topic at fromSeq and delivers decoded events', async () => {
      const { channels, consumer, push } = await started();
      const a = recorder();

      const subscription = await channels.subscribe('s1', { ...a.options, fromSeq: 5 }, a.listener);
      push('s1', 5, { type: 'token', ts: 42, turnId: 't-1', text: 'Hel' });

      expect(subscription.sessionId).toBe('s1');
      expect(consumer.positionOf('s1')).toBe(5);
      expect(a.events).toEqual([
        { sessionId: 's1', seq: 5, messageId: 'msg-s1-5', type: 'token', ts: 42, turnId: 't-1', text: 'Hel' },
      ]);
      expect(channels.stats()).toEqual({
        sessions: 1,
        listeners: 1,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
    });

    describe("from the log's end", () => {
      it('subscribes at MAX and takes the first event past fromSeq as the start, without a gap', async () => {
        const { channels, consumer, push } = await started();
        const a = recorder();
        const gaps: Array<[number, number]> = [];
        await channels.subscribe(
          's1',
          { ...a.options, fromSeq: 10, fromEnd: true, onGap: (e, r) => gaps.push([e, r]) },
          a.listener,
        );

        for (const seq of [500, 501, 502]) push('s1', seq);

        expect(consumer.subscribeCalls).toEqual([{ topic: 's1', fromOffset: 10, atEnd: true }]);
        expect(a.seqs()).toEqual([500, 501, 502]);
        expect(gaps).toEqual([]);
        expect(consumer.unsubscribeCalls).toEqual([]);
      });

      it('checks every seq after the start: a later jump is re-positioned', async () => {
        const { channels, consumer, push } = await started();
        const a = recorder();
        await channels.subscribe('s1', { ...a.options, fromEnd: true }, a.listener);

        push('s1', 300);
        push('s1', 302);
        await new Promise((resolve) => setImmediate(resolve));

        expect(a.seqs()).toEqual([300]);
        expect(consumer.positionOf('s1')).toBe(301);
      });

      it('drops what comes before fromSeq and then checks every seq as usual', async () => {
        const { channels, consumer, push } = await started();
        const a = recorder();
        await channels.subscribe('s1', { ...a.options, fromSeq: 10, fromEnd: true }, a.listener);

        for (const seq of [8, 9, 10]) push('s1', seq);
        push('s1', 12);
        await new Promise((resolve) => setImmediate(resolve));

        expect(a.seqs()).toEqual([10]);
        expect(consumer.positionOf('s1')).toBe(11);
      });

      it('starts a listener at fromSeq when the session is held here already', async () => {
        const { channels, consumer, push } = await started();
        const first = recorder();
        const second = recorder();
        await channels.subscribe('s1', { ...first.options, fromSeq: 5 }, first.listener);
        await channels.subscribe('s1', { ...second.options, fromSeq: 5, fromEnd: true }, second.listener);

        for (const seq of [5, 6]) push('s1', seq);

        expect(consumer.subscribeCalls).toEqual([{ topic: 's1', fromOffset: 5 }]);
        expect(second.seqs()).toEqual([5, 6]);
      });
    });

    it('starts at seq 0 when fromSeq is not given', async () => {
      const { channels, consumer } = await started();

      await channels.subscribe('s1', {}, () => undefined);

      expect(consumer.subscribeCalls).toEqual([{ topic: 's1', fromOffset: 0 }]);
    });

    it('does not resubscribe for a second listener that starts later', async () => {
      const { channels, consumer, push } = await started();
      const a = recorder();
      const b = recorder();
      await channels.subscribe('s1', { ...a.options, fromSeq: 0 }, a.listener);
      push('s1', 0);
      push('s1', 1);

      await channels.subscribe('s1', { ...b.options, fromSeq: 3 }, b.listener);
      push('s1', 2);
      push('s1', 3);

      expect(consumer.subscribeCalls).toHaveLength(1);
      expect(consumer.unsubscribeCalls).toEqual([]);
      expect(a.seqs()).toEqual([0, 1, 2, 3]);
      expect(b.seqs()).toEqual([3]);
      expect(channels.stats()).toEqual({
        sessions: 1,
        listeners: 2,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
    });

    it('rewinds for a listener that starts earlier, without duplicates for the listener already there', async () => {
      const { channels, consumer, push } = await started();
      const a = recorder();
      const b = recorder();
      await channels.subscribe('s1', { ...a.options, fromSeq: 0 }, a.listener);
      push('s1', 0);
      push('s1', 1);
      push('s1', 2);

      await channels.subscribe('s1', { ...b.options, fromSeq: 1 }, b.listener);
      // The broker replays from the new position, then goes on.
      for (const seq of [1, 2, 3]) push('s1', seq);

      expect(consumer.positionOf('s1')).toBe(1);
      expect(a.seqs()).toEqual([0, 1, 2, 3]);
      expect(b.seqs()).toEqual([1, 2, 3]);
    });

    it('revokes the session listeners and rejects the newcomer when a rewind fails', async () => {
      const { channels, consumer, push } = await started();
      const a = recorder();
      const b = recorder();
      await channels.subscribe('s1', a.options, a.listener);
      push('s1', 0);
      push('s1', 1);
      const failure = new Error('proxy unavailable');
      consumer.failNext('subscribe', failure);

      const rewinding = channels.subscribe('s1', { ...b.options, fromSeq: 0 }, b.listener);

      await expect(rewinding).rejects.toThrow(SessionChannelError);
      await expect(rewinding).rejects.toMatchObject({ cause: failure });
      expect(a.revoked).toEqual(['resubscribe_failed']);
      expect(channels.stats()).toEqual({
        sessions: 0,
        listeners: 0,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
      expect(consumer.getLiteTopicSet()).toEqual(new Set());
    });

    it.each(['', 'chat/s1', 'a.b', 'x'.repeat(65)])(
      'rejects the invalid session id %p without calling the broker',
      async (sessionId) => {
        const { channels, consumer } = await started();

        await expect(channels.subscribe(sessionId, {}, () => undefined)).rejects.toThrow(
          InvalidSessionIdError,
        );

        expect(consumer.subscribeCalls).toEqual([]);
        expect(channels.stats()).toEqual({
          sessions: 0,
          listeners: 0,
          stallRecoveries: 0,
          stallRepositions: 0,
        });
      },
    );

    it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])(
      'rejects fromSeq %p with a RangeError without calling the broker',
      async (fromSeq) => {
        const { channels, consumer } = await started();

        await expect(channels.subscribe('s1', { fromSeq }, () => undefined)).rejects.toThrow(RangeError);

        expect(consumer.subscribeCalls).toEqual([]);
      },
    );

    it.each([
      ['a 429 code', Object.assign(new Error('too many'), { code: 429 })],
      ['a quota message', new Error('Lite subscription quota exceeded 20000')],
    ])('turns a quota refusal (%s) into SessionChannelQuotaError', async (_, failure) => {
      const { channels, consumer } = await started();
      consumer.failNext('subscribe', failure);

      const subscribing = channels.subscribe('s1', {}, () => undefined);

      await expect(subscribing).rejects.toThrow(SessionChannelQuotaError);
      await expect(subscribing).rejects.toMatchObject({ cause: failure });
      expect(channels.stats()).toEqual({
        sessions: 0,
        listeners: 0,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
    });

    it('wraps any other broker error in SessionChannelError, and a later subscribe tries again', async () => {
      const { channels, consumer } = await started();
      const failure = Object.assign(new Error('deadline exceeded'), { code: 4 });
      consumer.failNext('subscribe', failure);

      const subscribing = channels.subscribe('s1', {}, () => undefined);

      await expect(subscribing).rejects.toThrow(SessionChannelError);
      await expect(subscribing).rejects.not.toThrow(SessionChannelQuotaError);
      await expect(subscribing).rejects.toMatchObject({
        cause: failure,
        message: expect.stringContaining('s1'),
      });
      expect(channels.stats()).toEqual({
        sessions: 0,
        listeners: 0,
        stallRecoveries: 0,
        stallRepositions: 0,
      });

      await channels.subscribe('s1', {}, () => undefined);
      expect(consumer.positionOf('s1')).toBe(0);
    });

    it('subscribes the broker once when two listeners of a new session arrive together', async () => {
      const { channels, consumer, push } = await started();
      const first = consumer.hold('subscribe');
      const a = recorder();
      const b = recorder();

      const subscribingA = channels.subscribe('s1', a.options, a.listener);
      const subscribingB = channels.subscribe('s1', b.options, b.listener);
      await first.started;
      first.release();
      await Promise.all([subscribingA, subscribingB]);
      push('s1', 0);

      expect(consumer.subscribeCalls).toHaveLength(1);
      expect(a.seqs()).toEqual([0]);
      expect(b.seqs()).toEqual([0]);
    });
  });

  describe('unsubscribe', () => {
    it('releases the broker subscription only when the last listener leaves', async () => {
      const { channels, consumer } = await started();
      const first = await channels.subscribe('s1', {}, () => undefined);
      const second = await channels.subscribe('s1', {}, () => undefined);

      await first.unsubscribe();
      expect(consumer.unsubscribeCalls).toEqual([]);
      expect(channels.stats()).toEqual({
        sessions: 1,
        listeners: 1,
        stallRecoveries: 0,
        stallRepositions: 0,
      });

      await second.unsubscribe();
      expect(consumer.unsubscribeCalls).toEqual(['s1']);
      expect(consumer.getLiteTopicSet()).toEqual(new Set());
      expect(channels.stats()).toEqual({
        sessions: 0,
        listeners: 0,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
    });

    it('stops delivery to the listener that left', async () => {
      const { channels, push } = await started();
      const a = recorder();
      const b = recorder();
      const subscriptionA = await channels.subscribe('s1', a.options, a.listener);
      await channels.subscribe('s1', b.options, b.listener);

      await subscriptionA.unsubscribe();
      push('s1', 0);

      expect(a.events).toEqual([]);
      expect(b.seqs()).toEqual([0]);
    });

    it('is idempotent, also when called twice at once', async () => {
      const { channels, consumer } = await started();
      const other = await channels.subscribe('s1', {}, () => undefined);
      const subscription = await channels.subscribe('s1', {}, () => undefined);

      await Promise.all([subscription.unsubscribe(), subscription.unsubscribe()]);
      await subscription.unsubscribe();

      // Had the repeats counted, the other listener would have been dropped and the broker released.
      expect(channels.stats()).toEqual({
        sessions: 1,
        listeners: 1,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
      expect(consumer.unsubscribeCalls).toEqual([]);
      await other.unsubscribe();
      expect(consumer.unsubscribeCalls).toEqual(['s1']);
    });

    it('ends unsubscribed when the caller leaves while its subscribe is still in flight', async () => {
      const { channels, consumer, push } = await started();
      const held = consumer.hold('subscribe');
      const a = recorder();

      const subscribing = channels.subscribe('s1', a.options, a.listener);
      // The socket disconnects before the subscribe returns: the caller unsubscribes as soon as it can.
      const leaving = subscribing.then((subscription) => subscription.unsubscribe());
      await held.started;
      held.release();
      await leaving;
      push('s1', 0);

      expect(consumer.getLiteTopicSet()).toEqual(new Set());
      expect(channels.stats()).toEqual({
        sessions: 0,
        listeners: 0,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
      expect(a.events).toEqual([]);
    });

    it('does not let the unsubscribe of a closing connection undo the reconnect that replaces it', async () => {
      const { channels, consumer, push } = await started();
      const old = await channels.subscribe('s1', {}, () => undefined);
      const held = consumer.hold('unsubscribe');
      const reconnected = recorder();

      const leaving = old.unsubscribe();
      await held.started;
      const rejoining = channels.subscribe(
        's1',
        { ...reconnected.options, fromSeq: 0 },
        reconnected.listener,
      );
      held.release();
      await Promise.all([leaving, rejoining]);
      push('s1', 0);

      expect(consumer.positionOf('s1')).toBe(0);
      expect(channels.stats()).toEqual({
        sessions: 1,
        listeners: 1,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
      expect(reconnected.seqs()).toEqual([0]);
    });

    it('resolves even when the broker refuses the unsubscribe', async () => {
      const { channels, consumer } = await started();
      const subscription = await channels.subscribe('s1', {}, () => undefined);
      consumer.failNext('unsubscribe', new Error('proxy unavailable'));

      await expect(subscription.unsubscribe()).resolves.toBeUndefined();

      expect(channels.stats()).toEqual({
        sessions: 0,
        listeners: 0,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
    });
  });

  describe('delivery', () => {
    it('ignores messages of sessions nobody here listens to, and of names that are not session ids', async () => {
      const { channels, push, deliverRaw } = await started();
      const a = recorder();
      await channels.subscribe('s1', a.options, a.listener);

      expect(() => push('s2', 0)).not.toThrow();
      expect(() =>
        deliverRaw({
          liteTopic: undefined,
          offset: 0,
          body: Buffer.from('{}'),
          messageId: 'm',
          deliveryAttempt: 1,
        }),
      ).not.toThrow();
      expect(() =>
        deliverRaw({
          liteTopic: 'a.b',
          offset: 0,
          body: Buffer.from('{}'),
          messageId: 'm',
          deliveryAttempt: 1,
        }),
      ).not.toThrow();

      expect(a.events).toEqual([]);
    });

    it('drops a message without an offset', async () => {
      const { channels, deliverRaw, push } = await started();
      const a = recorder();
      await channels.subscribe('s1', a.options, a.listener);
      const body = encodeSessionEvent({ type: 'token', ts: 1 });

      expect(() =>
        deliverRaw({ liteTopic: 's1', offset: undefined, body, messageId: 'm', deliveryAttempt: 1 }),
      ).not.toThrow();
      push('s1', 0);

      expect(a.seqs()).toEqual([0]);
    });

    it('hands a malformed body to onUndecodable with its seq and message id, then goes on', async () => {
      const { channels, deliverRaw, push } = await started();
      const a = recorder();
      await channels.subscribe('s1', a.options, a.listener);

      deliverRaw({
        liteTopic: 's1',
        offset: 0,
        body: Buffer.from('not json'),
        messageId: 'BAD-1',
        deliveryAttempt: 1,
      });
      push('s1', 1);

      expect(a.undecodable).toHaveLength(1);
      const [seq, error] = a.undecodable[0] ?? [];
      expect(seq).toBe(0);
      expect(error).toBeInstanceOf(SessionEventDecodeError);
      expect(error).toMatchObject({ reason: 'malformed', messageId: 'BAD-1' });
      expect(a.seqs()).toEqual([1]);
    });

    it('never throws into the client when a listener throws', async () => {
      const { channels, push } = await started();
      const b = recorder();
      await channels.subscribe('s1', {}, () => {
        throw new Error('socket gone');
      });
      await channels.subscribe('s1', b.options, b.listener);

      expect(() => push('s1', 0)).not.toThrow();
      expect(b.seqs()).toEqual([0]);
    });
  });

  describe('lifecycle', () => {
    it('is running once started and while the consumer runs', async () => {
      const { channels, consumer } = await started();

      expect(channels.isRunning()).toBe(true);
      consumer.running = false;
      expect(channels.isRunning()).toBe(false);
    });

    it('refuses subscriptions before it is started', async () => {
      const { channels, consumer } = create();

      await expect(channels.subscribe('s1', {}, () => undefined)).rejects.toThrow(SessionChannelsClosedError);
      expect(channels.isRunning()).toBe(false);
      expect(consumer.subscribeCalls).toEqual([]);
    });

    it('refuses new subscriptions once shutdown begins, but still releases the open ones', async () => {
      const { channels, consumer } = await started();
      const open = await channels.subscribe('s1', {}, () => undefined);

      channels.beforeApplicationShutdown();

      expect(channels.isRunning()).toBe(false);
      await expect(channels.subscribe('s2', {}, () => undefined)).rejects.toThrow(SessionChannelsClosedError);
      await open.unsubscribe();
      expect(consumer.unsubscribeCalls).toEqual(['s1']);
      expect(consumer.getLiteTopicSet()).toEqual(new Set());
    });

    it('closes the consumer on shutdown', async () => {
      const { channels, consumer } = await started();
      await channels.subscribe('s1', {}, () => undefined);

      await channels.onApplicationShutdown();

      expect(consumer.closed).toBe(true);
      expect(channels.stats()).toEqual({
        sessions: 0,
        listeners: 0,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
      await expect(channels.subscribe('s1', {}, () => undefined)).rejects.toThrow(SessionChannelsClosedError);
    });

    it('fails start-up with RocketMQStartupError when the consumer does not start in time, and closes it if it starts late', async () => {
      jest.useFakeTimers();
      const late = new FakeLiteConsumer();
      const starting = deferred<LiteConsumer>();
      const { channels } = create({ startupTimeoutMs: 50 }, () => starting.promise);

      const init = channels.onModuleInit();
      const outcome = expect(init).rejects.toThrow(RocketMQStartupError);
      await jest.advanceTimersByTimeAsync(50);
      await outcome;
      await expect(init).rejects.toMatchObject({
        component: 'RocketMQ lite consumer',
        endpoints: '127.0.0.1:8081',
        message: expect.stringContaining('RocketMQ lite consumer startup did not finish within 50 ms'),
        cause: expect.any(TimeoutError),
      });
      expect(channels.isRunning()).toBe(false);

      starting.resolve(late);
      await jest.advanceTimersByTimeAsync(0);
      expect(late.closed).toBe(true);
    });

    it('gives up waiting for the consumer to close after shutdownTimeoutMs', async () => {
      jest.useFakeTimers();
      const { channels, consumer } = await started({ shutdownTimeoutMs: 200 });
      const closing = deferred();
      consumer.close = () => closing.promise;
      let done = false;

      const shutdown = channels.onApplicationShutdown().then(() => (done = true));
      await jest.advanceTimersByTimeAsync(199);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await shutdown;

      expect(done).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('fails start-up with RocketMQStartupError carrying the cause when the factory fails', async () => {
      const failure = new Error('UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:8081');
      const { channels } = create({}, () => Promise.reject(failure));

      const init = channels.onModuleInit();

      await expect(init).rejects.toThrow(RocketMQStartupError);
      await expect(init).rejects.toMatchObject({
        cause: failure,
        message: expect.stringContaining('ECONNREFUSED'),
      });
    });

    it('starts no consumer in a publish-only process, and refuses subscriptions there', async () => {
      const { channels, factoryCalls, producer } = create({ sessionChannels: { parentTopic: 'chat' } });

      await channels.onModuleInit();

      expect(factoryCalls).toEqual([]);
      expect(channels.isRunning()).toBe(false);
      await expect(channels.subscribe('s1', {}, () => undefined)).rejects.toThrow(
        /sessionChannels.consumerGroup is not configured/,
      );
      await expect(channels.subscribe('s1', {}, () => undefined)).rejects.toThrow(SessionChannelsClosedError);
      await expect(channels.publish('s1', { type: 'token' })).resolves.toEqual({
        sessionId: 's1',
        seq: 0,
        messageId: 'm-0',
      });
      expect(producer.published).toEqual([{ sessionId: 's1', event: { type: 'token' } }]);
    });
  });

  describe('reconcile', () => {
    const interval = 1_000;

    async function startedWithFakeTimers() {
      jest.useFakeTimers();
      return started({ revocationCheckIntervalMs: interval });
    }

    it('revokes a session the broker moved to another node, and forgets it', async () => {
      const { channels, consumer, push } = await startedWithFakeTimers();
      const moved = recorder();
      const stays = recorder();
      const movedSubscription = await channels.subscribe('s1', moved.options, moved.listener);
      await channels.subscribe('s2', stays.options, stays.listener);

      consumer.brokerDrops('s1');
      await jest.advanceTimersByTimeAsync(interval);
      push('s1', 0);
      push('s2', 0);
      await jest.advanceTimersByTimeAsync(interval);

      expect(moved.revoked).toEqual(['taken_over']);
      expect(stays.revoked).toEqual([]);
      expect(moved.events).toEqual([]);
      expect(stays.seqs()).toEqual([0]);
      expect(channels.stats()).toEqual({
        sessions: 1,
        listeners: 1,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
      // The session belongs to another node now: leaving must not touch its broker subscription.
      await movedSubscription.unsubscribe();
      expect(consumer.unsubscribeCalls).toEqual([]);
    });

    it('does not revoke a session whose subscribe is still in flight', async () => {
      const { channels, consumer } = await startedWithFakeTimers();
      const held = consumer.hold('subscribe');
      const a = recorder();

      const subscribing = channels.subscribe('s1', a.options, a.listener);
      await held.started;
      await jest.advanceTimersByTimeAsync(interval);
      held.release();
      await subscribing;
      await jest.advanceTimersByTimeAsync(interval);

      expect(a.revoked).toEqual([]);
      expect(channels.stats()).toEqual({
        sessions: 1,
        listeners: 1,
        stallRecoveries: 0,
        stallRepositions: 0,
      });
    });

    it('releases broker subscriptions that no local listener uses', async () => {
      const { consumer } = await startedWithFakeTimers();
      consumer.brokerAdds('stray');
      consumer.brokerAdds('not.a.session');

      await jest.advanceTimersByTimeAsync(interval);

      expect(consumer.unsubscribeCalls).toEqual(['stray']);
      expect(consumer.getLiteTopicSet()).toEqual(new Set(['not.a.session']));
    });

    it('retries an unsubscribe the broker refused earlier', async () => {
      const { channels, consumer } = await startedWithFakeTimers();
      const subscription = await channels.subscribe('s1', {}, () => undefined);
      consumer.failNext('unsubscribe', new Error('proxy unavailable'));
      await subscription.unsubscribe();
      expect(consumer.getLiteTopicSet()).toEqual(new Set(['s1']));

      await jest.advanceTimersByTimeAsync(interval);

      expect(consumer.getLiteTopicSet()).toEqual(new Set());
    });

    it('leaves everything alone while the consumer is not running', async () => {
      const { channels, consumer } = await startedWithFakeTimers();
      const a = recorder();
      await channels.subscribe('s1', a.options, a.listener);
      consumer.brokerDrops('s1');
      consumer.brokerAdds('stray');
      consumer.running = false;

      await jest.advanceTimersByTimeAsync(interval * 3);

      expect(a.revoked).toEqual([]);
      expect(consumer.unsubscribeCalls).toEqual([]);
    });

    it('stops checking after shutdown', async () => {
      const { channels } = await startedWithFakeTimers();

      await channels.onApplicationShutdown();

      expect(jest.getTimerCount()).toBe(0);
    });
  });
  describe('stall recovery', () => {
    const quietMs = 1_000;

    async function startedWithStallRecovery(stallRecoveryMs = quietMs) {
      jest.useFakeTimers();
      // Reconcile is kept out of the way: these tests are about stall recovery alone.
      return started({ stallRecoveryMs, revocationCheckIntervalMs: 60_000 });
    }

    it('resyncs the subscription set once a session has been quiet for stallRecoveryMs after activity', async () => {
      const { channels, consumer, push } = await startedWithStallRecovery();
      const a = recorder();
      await channels.subscribe('s1', a.options, a.listener);
      for (const seq of [0, 1, 2]) push('s1', seq);

      await jest.advanceTimersByTimeAsync(quietMs);

      expect(consumer.resyncCalls).toBe(1);
      expect(consumer.subscribeCalls).toHaveLength(1); // no per-session re-subscribe
      expect(channels.stats()).toEqual({
        sessions: 1,
        listeners: 1,
        stallRecoveries: 1,
        stallRepositions: 0,
      });
      // Whatever the broker hands out again is not repeated to the listener.
      for (const seq of [2, 3]) push('s1', seq);
      expect(a.seqs()).toEqual([0, 1, 2, 3]);
      expect(a.revoked).toEqual([]);
    });

    it('resyncs an idle session a few times per quiet spell (1, 2, 4, 8 quietMs apart), then only after new activity', async () => {
      const { channels, consumer, push } = await startedWithStallRecovery();
      await channels.subscribe('s1', {}, () => undefined);
      push('s1', 0);

      await jest.advanceTimersByTimeAsync(quietMs * 40);
      expect(consumer.resyncCalls).toBe(4);

      push('s1', 1);
      await jest.advanceTimersByTimeAsync(quietMs * 2);
      expect(consumer.resyncCalls).toBe(5);
    });

    it('sends one resync for many quiet sessions', async () => {
      const { channels, consumer, push } = await startedWithStallRecovery();
      for (const id of ['s1', 's2', 's3']) {
        await channels.subscribe(id, {}, () => undefined);
        push(id, 0);
      }

      // Within the first resync's spacing: one resync serves all three.
      await jest.advanceTimersByTimeAsync(quietMs * 2.5);

      expect(consumer.resyncCalls).toBe(1);
    });

    it('leaves the subscriptions alone while events keep arriving', async () => {
      const { channels, consumer, push } = await startedWithStallRecovery();
      await channels.subscribe('s1', {}, () => undefined);

      for (let seq = 0; seq < 6; seq += 1) {
        push('s1', seq);
        await jest.advanceTimersByTimeAsync(quietMs / 2);
      }

      expect(consumer.resyncCalls).toBe(0);
      expect(channels.stats().stallRecoveries).toBe(0);
    });

    it('keeps every listener when a resync fails', async () => {
      const { channels, consumer, push } = await startedWithStallRecovery();
      const a = recorder();
      await channels.subscribe('s1', a.options, a.listener);
      push('s1', 0);
      consumer.resyncFailure = new Error('proxy unavailable');

      await jest.advanceTimersByTimeAsync(quietMs);

      expect(consumer.resyncCalls).toBe(1);
      expect(a.revoked).toEqual([]);
      push('s1', 1);
      expect(a.seqs()).toEqual([0, 1]);
    });

    it('re-positions a session whose announced events do not come after a resync, at its cursor', async () => {
      const { channels, consumer, push } = await startedWithStallRecovery();
      const a = recorder();
      const subscription = await channels.subscribe('s1', a.options, a.listener);
      for (const seq of [0, 1]) push('s1', seq);
      await jest.advanceTimersByTimeAsync(quietMs * 40); // the idle spell's resyncs are spent
      const resyncsBefore = consumer.resyncCalls;

      subscription.expectEvents();
      await jest.advanceTimersByTimeAsync(quietMs * 3.5);

      expect(consumer.resyncCalls).toBe(resyncsBefore + 1);
      expect(consumer.unsubscribeCalls).toEqual(['s1']);
      expect(consumer.subscribeCalls.at(-1)).toEqual({ topic: 's1', fromOffset: 2 });
      expect(channels.stats().stallRepositions).toBe(1);
      // The events then come; the listener gets each once and keeps its subscription.
      for (const seq of [2, 3]) push('s1', seq);
      expect(a.seqs()).toEqual([0, 1, 2, 3]);
      expect(a.revoked).toEqual([]);
      await jest.advanceTimersByTimeAsync(quietMs * 20);
      expect(channels.stats().stallRepositions).toBe(1);
    });

    it('keeps re-positioning, further apart, while events a resuming listener knows exist do not come', async () => {
      const { channels, consumer } = await startedWithStallRecovery();
      await channels.subscribe('s1', { knownSeq: 5 }, () => undefined);

      await jest.advanceTimersByTimeAsync(quietMs * 16);

      // Resync at 1 s, re-positions at 3, 7 and 15 s.
      expect(channels.stats().stallRepositions).toBe(3);
      expect(consumer.subscribeCalls.map((call) => call.fromOffset)).toEqual([0, 0, 0, 0]);
    });

    it('only resyncs while the broker does not answer: a failed re-position would revoke the listeners', async () => {
      const { channels, consumer } = await startedWithStallRecovery();
      const a = recorder({ knownSeq: 5 });
      await channels.subscribe('s1', a.options, a.listener);
      consumer.linkChanges('unavailable');

      await jest.advanceTimersByTimeAsync(quietMs * 16);

      expect(channels.stats().stallRepositions).toBe(0);
      expect(consumer.unsubscribeCalls).toEqual([]);
      expect(consumer.resyncCalls).toBeGreaterThan(1);
      expect(a.revoked).toEqual([]);
    });

    it('is off when stallRecoveryMs is 0', async () => {
      const { channels, consumer, push } = await startedWithStallRecovery(0);
      await channels.subscribe('s1', {}, () => undefined);
      push('s1', 0);

      await jest.advanceTimersByTimeAsync(quietMs * 10);

      expect(consumer.resyncCalls).toBe(0);
      expect(channels.stats().stallRecoveries).toBe(0);
    });
  });
});
