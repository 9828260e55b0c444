import { hostname } from 'node:os';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';

const int = (fallback: number) =>
  Transform(({ value }) => (value === undefined || value === '' ? fallback : Number(value)));

/** The scheduler's environment, validated once at start-up; every problem is reported together. */
export class SchedulerEnv {
  /** HTTP port of health and metrics. */
  @int(3100)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3100;

  @IsString()
  HOST = '127.0.0.1';

  /** RocketMQ proxy gRPC endpoint(s). */
  @Matches(/^[^\s;:]+:\d{1,5}(;[^\s;:]+:\d{1,5})*$/, {
    message: 'ROCKETMQ_ENDPOINTS must be host:port[;host:port]',
  })
  ROCKETMQ_ENDPOINTS = '127.0.0.1:8081';

  /** Written into turn events (`data.node`) so a takeover is visible in the log. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'SCHEDULER_NODE_ID must be 1-64 characters from [A-Za-z0-9_.-]',
  })
  SCHEDULER_NODE_ID = `${hostname()}-${process.pid}`;

  @IsIn(['simulated', 'openai'], { message: 'LLM_PROVIDER must be simulated or openai' })
  LLM_PROVIDER: 'simulated' | 'openai' = 'simulated';

  /** Simulated model: reply speed. */
  @int(30)
  @IsInt()
  @Min(1)
  @Max(100_000)
  SIM_TOKENS_PER_SECOND = 30;

  /** Simulated model: tokens per reply. */
  @int(60)
  @IsInt()
  @Min(1)
  @Max(100_000)
  SIM_REPLY_TOKENS = 60;

  /** OpenAI-compatible endpoint, e.g. https://api.openai.com/v1 or a local vLLM/Ollama URL. */
  @ValidateIf((env: SchedulerEnv) => env.LLM_PROVIDER === 'openai' || env.LLM_BASE_URL !== undefined)
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'LLM_BASE_URL must be an http(s) URL' },
  )
  LLM_BASE_URL?: string;

  @ValidateIf((env: SchedulerEnv) => env.LLM_PROVIDER === 'openai')
  @IsString()
  @MinLength(1, { message: 'LLM_API_KEY is required with LLM_PROVIDER=openai' })
  LLM_API_KEY?: string;

  @ValidateIf((env: SchedulerEnv) => env.LLM_PROVIDER === 'openai')
  @IsString()
  @MinLength(1, { message: 'LLM_MODEL is required with LLM_PROVIDER=openai' })
  LLM_MODEL?: string;

  /**
   * Turns this process runs at once; further requests stay queued in RocketMQ. Each running turn holds one
   * lite subscription (its cancel watch), so the cap is the group's lite subscription quota per client.
   */
  @int(8)
  @IsInt()
  @Min(1)
  @Max(20_000)
  MAX_CONCURRENT_TURNS = 8;

  /** Tokens arriving within this many ms are written as one `token` event. */
  @int(25)
  @IsInt()
  @Min(0)
  @Max(5000)
  TOKEN_COALESCE_MS = 25;

  /** A turn still running after this long fails with `timeout`. */
  @int(300_000)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  TURN_TIMEOUT_MS = 300_000;

  /** On SIGTERM, running turns get this long to finish; the rest are handed to other schedulers. */
  @int(10_000)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_MS = 10_000;
}

/** For ConfigModule.forRoot({ validate }). Unknown variables are ignored. */
export function validateSchedulerEnv(raw: Record<string, unknown>): SchedulerEnv {
  const env = plainToInstance(SchedulerEnv, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new Error(`Invalid scheduler environment:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}
