import { hostname } from 'node:os';
import { IsIn, IsInt, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { EnvInt, ServiceEnv, validateEnv } from '@litesession/edge';

/** The scheduler's environment, validated once at start-up; every problem is reported together. */
export class SchedulerEnv extends ServiceEnv(3100) {
  /** Written into turn events (`data.node`) so a takeover is visible in the log. */
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'SCHEDULER_NODE_ID must be 1-64 characters from [A-Za-z0-9_.-]',
  })
  SCHEDULER_NODE_ID = `${hostname()}-${process.pid}`;

  @IsIn(['simulated', 'openai'], { message: 'LLM_PROVIDER must be simulated or openai' })
  LLM_PROVIDER: 'simulated' | 'openai' = 'simulated';

  /** Simulated model: reply speed. */
  @EnvInt(30)
  @IsInt()
  @Min(1)
  @Max(100_000)
  SIM_TOKENS_PER_SECOND = 30;

  /** Simulated model: tokens per reply. */
  @EnvInt(60)
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
  @IsString({ message: 'LLM_API_KEY is required with LLM_PROVIDER=openai' })
  @MinLength(1, { message: 'LLM_API_KEY is required with LLM_PROVIDER=openai' })
  LLM_API_KEY?: string;

  @ValidateIf((env: SchedulerEnv) => env.LLM_PROVIDER === 'openai')
  @IsString({ message: 'LLM_MODEL is required with LLM_PROVIDER=openai' })
  @MinLength(1, { message: 'LLM_MODEL is required with LLM_PROVIDER=openai' })
  LLM_MODEL?: string;

  /** Turns whose model runs at once in this process (the model's capacity). */
  @EnvInt(8)
  @IsInt()
  @Min(1)
  @Max(10_000)
  MAX_CONCURRENT_TURNS = 8;

  /**
   * Requests this process takes beyond its running turns: each writes its marker and reads the log at
   * once (a repeat is answered there, without the model), then waits for a slot with its lease renewed.
   * The rest stay in RocketMQ for any scheduler. Each request held has a lite subscription (its cancel
   * watch), so MAX_CONCURRENT_TURNS + MAX_QUEUED_TURNS stays within the group's quota per client.
   */
  @EnvInt(8)
  @IsInt()
  @Min(0)
  @Max(10_000)
  MAX_QUEUED_TURNS = 8;

  /**
   * 0: a token is written at once when no write of its turn is in flight, and tokens arriving meanwhile go
   * into the next write (no added delay when idle). Above 0: a write also waits this many ms after its
   * first token, to fold more tokens into one `token` event.
   */
  @EnvInt(0)
  @IsInt()
  @Min(0)
  @Max(5000)
  TOKEN_COALESCE_MS = 0;

  /** A turn still running after this long fails with `timeout`. */
  @EnvInt(300_000)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  TURN_TIMEOUT_MS = 300_000;

  /**
   * How long a request stays invisible to other schedulers without this one renewing it (four times per
   * lease, see leaseSettings):
   * after a crash, another scheduler takes the turn over within about this long. It must outlast a renewal
   * on a busy machine with room to spare: a lease that runs out hands a live turn to another scheduler.
   */
  @EnvInt(4_000)
  @IsInt()
  @Min(2_000)
  @Max(60_000)
  REQUEST_LEASE_MS = 4_000;

  /** On SIGTERM, running turns get this long to finish; the rest are handed to other schedulers. */
  @EnvInt(10_000)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_MS = 10_000;
}

/** For ConfigModule.forRoot({ validate }): throws EnvValidationError listing every problem. */
export function validateSchedulerEnv(raw: Record<string, unknown>): SchedulerEnv {
  return validateEnv(SchedulerEnv, raw, 'scheduler');
}
