import { hostname } from 'node:os';
import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/** The gateway's environment, validated once at start-up; every problem is reported together. */
export class GatewayEnv {
  /** HTTP + WebSocket port. */
  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  /** Interface to listen on. */
  @IsString()
  HOST = '127.0.0.1';

  /** RocketMQ proxy gRPC endpoint(s). */
  @Matches(/^[^\s;:]+:\d{1,5}(;[^\s;:]+:\d{1,5})*$/, {
    message: 'ROCKETMQ_ENDPOINTS must be host:port[;host:port]',
  })
  ROCKETMQ_ENDPOINTS = '127.0.0.1:8081';

  /** Secret of the resume tokens; the same on every gateway node. */
  @IsString()
  @MinLength(32, {
    message: 'SESSION_SECRET must be at least 32 characters (the same on every gateway node)',
  })
  SESSION_SECRET!: string;

  /** Longest `chat.send` text, in characters. */
  @Transform(({ value }) => (value === undefined || value === '' ? 8000 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAX_TEXT_CHARS = 8000;

  /** Client → server events per second per socket. */
  @Transform(({ value }) => (value === undefined || value === '' ? 10 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(10_000)
  MAX_EVENTS_PER_SECOND = 10;

  /** Time clients get between `server.draining` and the disconnect at shutdown (ms). */
  @Transform(({ value }) => (value === undefined || value === '' ? 500 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(60_000)
  DRAIN_GRACE_MS = 500;

  /** Folder of the built demo page (`nx run demo:build`), served at `/`; relative to the working directory. */
  @IsString()
  @MinLength(1, { message: 'DEMO_DIR must be a folder path (or unset for dist/apps/demo)' })
  DEMO_DIR = 'dist/apps/demo';

  /** Shown to clients in the `session` event. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'GATEWAY_NODE_ID must be 1-64 characters from [A-Za-z0-9_.-]',
  })
  GATEWAY_NODE_ID = `${hostname()}-${process.pid}`;
}

/** For ConfigModule.forRoot({ validate }). Unknown variables are ignored (the environment has many). */
export function validateGatewayEnv(raw: Record<string, unknown>): GatewayEnv {
  const env = plainToInstance(GatewayEnv, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new Error(`Invalid gateway environment:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}
