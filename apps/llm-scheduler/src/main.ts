import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { RESOLVED_ROCKETMQ_OPTIONS, type ResolvedRocketMQOptions } from '@litesession/rocketmq';
import { RocketMQServer } from '@litesession/rocketmq/transport';
import { AppModule } from './app.module';
import { SCHEDULER_GROUP } from '@litesession/chat-protocol';
import type { SchedulerEnv } from './config/scheduler.env';
import { leaseSettings } from './config/lease-settings';
import { TransportState } from './health/transport-state';
import { SchedulerMetrics } from './metrics/scheduler-metrics';
import { logUnhandledRejections, toMessage } from '@litesession/edge';

/** A hybrid Nest app: RocketMQ requests in (custom transport), health and metrics over HTTP. */
async function bootstrap(): Promise<void> {
  // Lines wait until the JSON logger (nestjs-pino, app.module) takes over; a failed start still prints.
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  const metrics = app.get(SchedulerMetrics);
  logUnhandledRejections(new Logger('Process'), () => metrics.unhandledRejections.inc());
  const config = app.get<ConfigService<SchedulerEnv, true>>(ConfigService);
  const server = new RocketMQServer({
    client: app.get<ResolvedRocketMQOptions>(RESOLVED_ROCKETMQ_OPTIONS),
    consumerGroup: SCHEDULER_GROUP,
    // The running turns and those waiting for a slot: the rest wait in RocketMQ for any scheduler.
    maxCachedMessages:
      config.get('MAX_CONCURRENT_TURNS', { infer: true }) + config.get('MAX_QUEUED_TURNS', { infer: true }),
    lease: leaseSettings(config.get('REQUEST_LEASE_MS', { infer: true })),
  });
  app.get(TransportState).follow(server.status);
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  app.enableShutdownHooks();
  process.once('SIGTERM', () => {
    // Turns handed over at shutdown give their requests back; should a close still hang (a consumer
    // waiting for something), bound the whole shutdown so the process always exits.
    setTimeout(() => process.exit(0), config.get('SHUTDOWN_GRACE_MS', { infer: true }) + 30_000).unref();
  });
  await app.init(); // starts the producer and the lite consumers before requests flow in
  await app.startAllMicroservices();
  const [port, host] = [config.get('PORT', { infer: true }), config.get('HOST', { infer: true })];
  await app.listen(port, host);
  Logger.log(
    `Scheduler ${config.get('SCHEDULER_NODE_ID', { infer: true })} (model ${config.get('LLM_PROVIDER', { infer: true })}) ` +
      `taking requests; health on http://${host}:${port}/health/ready`,
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  // bufferLogs holds every line until the app is up; a failed start must still say why.
  Logger.flush();
  Logger.error(toMessage(error), undefined, 'Bootstrap');
  process.exit(1);
});
