import type { DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule, type Params } from 'nestjs-pino';
import { stdTimeFunctions, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

/** `json`: one JSON object per line (for log stores); `pretty`: coloured lines for a person (npm start). */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface ServiceLoggingOptions {
  /** Which app writes: `gateway`, `llm-scheduler`. */
  service: string;
  /** This node's id (GATEWAY_NODE_ID, SCHEDULER_NODE_ID). */
  node: string;
  format: LogFormat;
  /** Also debug and verbose lines (the RocketMQ client's routine ones among them). */
  debug: boolean;
  /** Where lines go. @default process.stdout */
  destination?: NodeJS.WritableStream;
}

/**
 * nestjs-pino settings shared by the apps: every Nest log line becomes one pino line with `level`,
 * `time`, `service`, `node`, `context` (the Nest logger's name) and `msg`, plus any fields the caller
 * passes (`logger.warn({ msg, sessionId, turnId })`). HTTP requests are not logged one by one (health
 * probes would flood the log). Lines go through `process.stdout.write`, so a parent process that
 * redirects stdout (the chaos drill's preload) still gets them, in order and synchronously.
 */
export function serviceLoggerParams(options: ServiceLoggingOptions): Params {
  const destination = options.destination ?? process.stdout;
  const stream: DestinationStream =
    options.format === 'pretty'
      ? pretty({
          destination,
          sync: true,
          ignore: 'pid,hostname,service,node,context',
          messageFormat: '[{context}] {msg}',
          singleLine: true,
        })
      : destination;
  return {
    pinoHttp: [
      {
        level: options.debug ? 'trace' : 'info',
        base: { service: options.service, node: options.node },
        timestamp: stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        autoLogging: false,
        quietReqLogger: true,
      },
      stream,
    ],
  };
}

/**
 * The apps' LoggerModule (nestjs-pino), configured from their validated env: `nodeIdVariable` names this
 * node in every line, `LOG_FORMAT` picks the format, and the environment variable `debugVariable` (set
 * to anything) adds the debug and verbose lines. Needs the app's global ConfigModule.
 */
export function serviceLoggerModule<Env extends { LOG_FORMAT: LogFormat }>(options: {
  service: string;
  nodeIdVariable: keyof Env & string;
  debugVariable: string;
}): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [ConfigService],
    // The app's env validation has set both (the node id has a default), so getOrThrow never throws there.
    useFactory: (config: ConfigService) =>
      serviceLoggerParams({
        service: options.service,
        node: config.getOrThrow<string>(options.nodeIdVariable),
        format: config.getOrThrow<LogFormat>('LOG_FORMAT'),
        debug: Boolean(process.env[options.debugVariable]),
      }),
  });
}
