/**
 * A separate OS process that serves sessions the way a gateway node does: a Nest application context with
 * RocketMQModule, subscribing through SessionChannels. Driven by the integration tests.
 *
 * env:    ROCKETMQ_ENDPOINTS, SESSION_IDS (comma-separated, subscribed at start), FROM_SEQ (default 0),
 *         FROM_END (set: SubscribeOptions.fromEnd), CONSUMER_GROUP (default gateway-0), STALL_RECOVERY_MS
 * stdin:  "subscribe <sessionId> <fromSeq>" | "unsubscribe" (all) | "stats" | "exit"
 * stdout: one JSON object per line: started, subscribe-start, subscribed, ready, event, revoked,
 *         undecodable, gap, unsubscribed, stats, error
 */
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { NestFactory } from '@nestjs/core';
import { Logger, Module } from '@nestjs/common';
import { RocketMQModule, SessionChannels, type SessionSubscription } from '../../src';

const emit = (line: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ t: Date.now(), ...line })}\n`);

async function main(): Promise<void> {
  const env = process.env;
  @Module({
    imports: [
      RocketMQModule.forRoot({
        endpoints: env['ROCKETMQ_ENDPOINTS'] ?? '',
        sessionChannels: { parentTopic: 'chat', consumerGroup: env['CONSUMER_GROUP'] ?? 'gateway-0' },
        startupTimeoutMs: 15_000,
        revocationCheckIntervalMs: 500,
        ...(env['STALL_RECOVERY_MS'] ? { stallRecoveryMs: Number(env['STALL_RECOVERY_MS']) } : {}),
      }),
    ],
  })
  class SubscriberModule {}

  const started = Date.now();
  Logger.overrideLogger(['error', 'warn']); // to stderr; stdout stays a clean JSON stream
  const app = await NestFactory.createApplicationContext(SubscriberModule, { logger: ['error', 'warn'] });
  const channels = app.get(SessionChannels);
  emit({ kind: 'started', startupMs: Date.now() - started });

  const subscriptions: SessionSubscription[] = [];
  const subscribe = async (sessionId: string, fromSeq: number) => {
    emit({ kind: 'subscribe-start', sessionId, fromSeq });
    const subscription = await channels.subscribe(
      sessionId,
      {
        fromSeq,
        ...(env['FROM_END'] ? { fromEnd: true } : {}),
        onRevoked: (reason) => emit({ kind: 'revoked', sessionId, reason }),
        onUndecodable: (seq, error) => emit({ kind: 'undecodable', sessionId, seq, reason: error.reason }),
        onGap: (expected, received) => emit({ kind: 'gap', sessionId, expected, received }),
      },
      (event) =>
        emit({
          kind: 'event',
          sessionId,
          seq: event.seq,
          type: event.type,
          text: event.text,
          data: event.data,
        }),
    );
    subscriptions.push(subscription);
    emit({ kind: 'subscribed', sessionId });
  };

  const initial = (env['SESSION_IDS'] ?? '').split(',').filter(Boolean);
  await Promise.all(initial.map((id) => subscribe(id, Number(env['FROM_SEQ'] ?? 0))));
  emit({ kind: 'ready', sessions: subscriptions.length });

  for await (const line of createInterface({ input: process.stdin })) {
    const [command, ...args] = line.trim().split(/\s+/);
    try {
      if (command === 'subscribe') {
        await subscribe(args[0] ?? '', Number(args[1] ?? 0));
      } else if (command === 'unsubscribe') {
        await Promise.all(subscriptions.splice(0).map((s) => s.unsubscribe()));
        emit({ kind: 'unsubscribed' });
      } else if (command === 'stats') {
        emit({ kind: 'stats', ...channels.stats() });
      } else if (command === 'exit') {
        await app.close();
        process.exit(0);
      }
    } catch (error) {
      emit({ kind: 'error', command, name: (error as Error).name, message: (error as Error).message });
    }
  }
}

main().catch((error: unknown) => {
  emit({ kind: 'error', name: (error as Error).name, message: (error as Error).message });
  process.exit(1);
});
