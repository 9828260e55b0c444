import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { RocketMQModule, RocketMQProducer } from '../../src';
import { brokerEndpoints, PARENT_TOPIC } from './broker-endpoints';

/** A publish-only Nest context (no consumer group) in the test process. */
export async function startPublisher(): Promise<{
  app: INestApplicationContext;
  producer: RocketMQProducer;
}> {
  @Module({
    imports: [
      RocketMQModule.forRoot({
        endpoints: brokerEndpoints(),
        sessionChannels: { parentTopic: PARENT_TOPIC },
        // The many-sessions test keeps 500 sends in flight on 2 cores; a send must not time out there.
        requestTimeoutMs: 15_000,
      }),
    ],
  })
  class PublisherModule {}
  const moduleRef = await Test.createTestingModule({ imports: [PublisherModule] }).compile();
  moduleRef.useLogger(['error', 'warn']);
  const app = await moduleRef.init();
  return { app, producer: app.get(RocketMQProducer) };
}

/** Asserts that `seqs` is exactly from, from+1, …, to (inclusive): in order, no gaps, no duplicates. */
export function expectContiguous(seqs: number[], from: number, to: number): void {
  const expected = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  expect(seqs).toEqual(expected);
}
