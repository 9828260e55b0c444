import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { logUnhandledRejections, toMessage } from '@litesession/edge';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { maxFrameBytes, SessionIoAdapter } from './adapters/session-io.adapter';
import { MAX_JSON_BODY_BYTES } from './ai-sdk/ai-chat-request.dto';
import { corsOptions } from './http/cors-options';
import type { GatewayEnv } from './config/gateway.env';

async function bootstrap(): Promise<void> {
  // Lines wait until the JSON logger (nestjs-pino, app.module) takes over; a failed start still prints.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  const metrics = app.get(GatewayMetrics);
  logUnhandledRejections(new Logger('Process'), () => metrics.unhandledRejections.inc());
  const config = app.get<ConfigService<GatewayEnv, true>>(ConfigService);
  const maxTextChars = config.get('MAX_TEXT_CHARS', { infer: true });
  app.useWebSocketAdapter(new SessionIoAdapter(app, maxTextChars));
  // A message of MAX_TEXT_CHARS characters fits, and so does the whole conversation that the AI SDK's
  // transport posts with each message; each route checks its own fields' limits.
  app.useBodyParser('json', { limit: Math.max(maxFrameBytes(maxTextChars), MAX_JSON_BODY_BYTES) });
  const origins = config.get('CORS_ORIGINS', { infer: true });
  if (origins !== '') app.enableCors(corsOptions(origins));
  app.enableShutdownHooks();
  const [port, host] = [config.get('PORT', { infer: true }), config.get('HOST', { infer: true })];
  await app.listen(port, host);
  Logger.log(
    `Gateway ${config.get('GATEWAY_NODE_ID', { infer: true })} listening on http://${host}:${port}`,
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  // bufferLogs holds every line until the app is up; a failed start must still say why.
  Logger.flush();
  Logger.error(toMessage(error), undefined, 'Bootstrap');
  process.exit(1);
});
