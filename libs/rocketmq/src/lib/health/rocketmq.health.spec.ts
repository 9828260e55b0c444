import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { RocketMQProducer } from '../producer/rocketmq-producer';
import { RESOLVED_ROCKETMQ_OPTIONS } from '../rocketmq.constants';
import { type ResolvedRocketMQOptions, resolveRocketMQOptions } from '../rocketmq.options';
import { type SessionChannelStats, SessionChannels } from '../session-channels/session-channels';
import type { LinkHealth } from '../client/link-repair';
import { RocketMQHealthIndicator } from './rocketmq.health';

/** The slice of RocketMQProducer the indicator reads. */
class FakeProducer {
  running = true;
  consecutiveFailures = 0;
  lastFailure: string | undefined;

  isRunning(): boolean {
    return this.running;
  }

  sendHealth() {
    return { consecutiveFailures: this.consecutiveFailures, lastFailure: this.lastFailure };
  }
}

/** The slice of SessionChannels the indicator reads. */
class FakeChannels {
  running = true;
  sessions = 0;
  link: LinkHealth = { state: 'ok', since: 0 };

  linkHealth(): LinkHealth {
    return this.link;
  }

  isRunning(): boolean {
    return this.running;
  }

  stats(): SessionChannelStats {
    return { sessions: this.sessions, listeners: this.sessions * 2, stallRecoveries: 0, stallRepositions: 0 };
  }
}

const withConsumer = resolveRocketMQOptions({
  endpoints: '127.0.0.1:8081',
  unhealthyAfterSendFailures: 3,
  sessionChannels: { parentTopic: 'chat', consumerGroup: 'gateway' },
});
const publishOnly = resolveRocketMQOptions({
  endpoints: '127.0.0.1:8081',
  unhealthyAfterSendFailures: 3,
  sessionChannels: { parentTopic: 'chat' },
});

describe('RocketMQHealthIndicator', () => {
  async function setUp(options: ResolvedRocketMQOptions = withConsumer) {
    const producer = new FakeProducer();
    const channels = new FakeChannels();
    const moduleRef = await Test.createTestingModule({
      imports: [TerminusModule],
      providers: [
        RocketMQHealthIndicator,
        { provide: RocketMQProducer, useValue: producer },
        { provide: SessionChannels, useValue: channels },
        { provide: RESOLVED_ROCKETMQ_OPTIONS, useValue: options },
      ],
    }).compile();
    return { indicator: moduleRef.get(RocketMQHealthIndicator), producer, channels };
  }

  it('is up with the number of sessions when producer and consumer run', async () => {
    const { indicator, channels } = await setUp();
    channels.sessions = 4;

    expect(indicator.isHealthy('rocketmq')).toEqual({ rocketmq: { status: 'up', sessions: 4 } });
  });

  it('is down when the producer is not running', async () => {
    const { indicator, producer } = await setUp();
    producer.running = false;

    expect(indicator.isHealthy('rocketmq')).toEqual({
      rocketmq: { status: 'down', reason: 'producer is not running' },
    });
  });

  it('stays up while failed sends in a row are below the threshold', async () => {
    const { indicator, producer } = await setUp();
    producer.consecutiveFailures = 2;
    producer.lastFailure = 'DEADLINE_EXCEEDED';

    expect(indicator.isHealthy('rocketmq')).toEqual({ rocketmq: { status: 'up', sessions: 0 } });
  });

  it('is down with the failure count and last error once failed sends reach the threshold', async () => {
    const { indicator, producer } = await setUp();
    producer.consecutiveFailures = 3;
    producer.lastFailure = 'DEADLINE_EXCEEDED';

    expect(indicator.isHealthy('mq')).toEqual({
      mq: {
        status: 'down',
        reason: 'sends are failing',
        consecutiveFailures: 3,
        lastFailure: 'DEADLINE_EXCEEDED',
      },
    });
  });

  it('is down when the lite consumer is configured but not running', async () => {
    const { indicator, channels } = await setUp(withConsumer);
    channels.running = false;

    expect(indicator.isHealthy('rocketmq')).toEqual({
      rocketmq: { status: 'down', reason: 'lite consumer is not running' },
    });
  });

  it('is down while the broker does not answer the consumer, and up again when it does', async () => {
    const { indicator, channels } = await setUp();
    channels.link = { state: 'unavailable', since: 5, reason: 'connect to 127.0.0.1:10911 failed' };
    expect(await indicator.isHealthy('rocketmq')).toEqual({
      rocketmq: {
        status: 'down',
        reason: 'the broker does not answer',
        since: 5,
        lastFailure: 'connect to 127.0.0.1:10911 failed',
      },
    });
    channels.link = { state: 'ok', since: 9 };
    expect(await indicator.isHealthy('rocketmq')).toMatchObject({ rocketmq: { status: 'up' } });
  });

  it('ignores the consumer in a publish-only process', async () => {
    const { indicator, channels } = await setUp(publishOnly);
    channels.running = false;

    expect(indicator.isHealthy('rocketmq')).toEqual({ rocketmq: { status: 'up', sessions: 0 } });
  });

  it('reports the producer first when everything is down', async () => {
    const { indicator, producer, channels } = await setUp();
    producer.running = false;
    producer.consecutiveFailures = 10;
    channels.running = false;

    expect(indicator.isHealthy('rocketmq')).toEqual({
      rocketmq: { status: 'down', reason: 'producer is not running' },
    });
  });

  const states = [true, false].flatMap((producerRunning) =>
    [0, 3].flatMap((failures) =>
      [true, false].flatMap((consumerRunning) =>
        [
          { process: 'gateway', options: withConsumer },
          { process: 'publish-only', options: publishOnly },
        ].map(({ process, options }) => ({
          producerRunning,
          failures,
          consumerRunning,
          process,
          options,
          expected:
            !producerRunning || failures >= 3 || (process === 'gateway' && !consumerRunning) ? 'down' : 'up',
        })),
      ),
    ),
  );

  it.each(states)(
    'answers $expected instead of throwing ($process: producer running $producerRunning, $failures failures, consumer running $consumerRunning)',
    async ({ producerRunning, failures, consumerRunning, options, expected }) => {
      const { indicator, producer, channels } = await setUp(options);
      producer.running = producerRunning;
      producer.consecutiveFailures = failures;
      channels.running = consumerRunning;

      let result: unknown;
      expect(() => (result = indicator.isHealthy('rocketmq'))).not.toThrow();
      expect(result).toEqual({ rocketmq: expect.objectContaining({ status: expected }) });
    },
  );
});
