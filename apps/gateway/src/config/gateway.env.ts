import { hostname } from 'node:os';
import { IsIn, IsInt, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { EnvInt, OptionalField, ServiceEnv, validateEnv } from '@litesession/edge';

/** The gateway's environment, validated once at start-up; every problem is reported together. */
export class GatewayEnv extends ServiceEnv(3000) {
  /** Secret of the resume tokens: the same on every gateway node, at least 32 characters. */
  @IsString({ message: 'SESSION_SECRET must be set (the same on every gateway node)' })
  @MinLength(32, {
    message: 'SESSION_SECRET must be at least 32 characters (the same on every gateway node)',
  })
  SESSION_SECRET!: string;

  /** The secret before a rotation: its resume tokens are still accepted (docs/security.md). */
  @OptionalField()
  @MinLength(32, { message: 'SESSION_SECRET_PREVIOUS must be at least 32 characters' })
  SESSION_SECRET_PREVIOUS?: string;

  /** How long a resume token is accepted after it was issued (re-issued on every connect). */
  @EnvInt(86_400)
  @IsInt()
  @Min(10)
  @Max(30 * 86_400)
  RESUME_TOKEN_TTL_SECONDS = 86_400;

  /**
   * `jwt`: every connection needs a valid JWT (JWT_SECRET or JWT_JWKS_URL). `anonymous`: anyone may open
   * sessions; for `npm start` and the demo only. `custom`: the app provides its own SessionAuthenticator
   * (`SessionModule.forRoot({ authenticator })`).
   */
  @IsIn(['jwt', 'anonymous', 'custom'], { message: 'AUTH_MODE must be jwt, anonymous or custom' })
  AUTH_MODE: 'jwt' | 'anonymous' | 'custom' = 'jwt';

  /** HS256 secret of connection JWTs (at least 32 characters); or use JWT_JWKS_URL. */
  @ValidateIf((env: GatewayEnv) => env.AUTH_MODE === 'jwt' && env.JWT_JWKS_URL === undefined)
  @IsString({
    message: 'AUTH_MODE=jwt needs JWT_SECRET or JWT_JWKS_URL (or AUTH_MODE=anonymous for development)',
  })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** JWKS URL of the identity provider (asymmetric keys); or use JWT_SECRET. */
  @OptionalField()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'JWT_JWKS_URL must be an http(s) URL' },
  )
  JWT_JWKS_URL?: string;

  /** Required `aud` of connection JWTs. */
  @OptionalField()
  @IsString()
  @MinLength(1)
  JWT_AUDIENCE?: string;

  /** Required `iss` of connection JWTs. */
  @OptionalField()
  @IsString()
  @MinLength(1)
  JWT_ISSUER?: string;

  /** Leeway for `exp` and `nbf`, in seconds. */
  @EnvInt(5)
  @IsInt()
  @Min(0)
  @Max(300)
  JWT_CLOCK_TOLERANCE_SECONDS = 5;

  /** Claim that names the user's tenant. */
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'JWT_TENANT_CLAIM must be a claim name' })
  JWT_TENANT_CLAIM = 'tenant';

  /** New connections per client address per minute (before any authentication or broker work). */
  @EnvInt(120)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CONNECTIONS_PER_IP_PER_MINUTE = 120;

  /** New sessions per client address per minute. */
  @EnvInt(60)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  NEW_SESSIONS_PER_IP_PER_MINUTE = 60;

  /** New connections per user per minute. */
  @EnvInt(120)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CONNECTIONS_PER_USER_PER_MINUTE = 120;

  /** New sessions per user per minute. */
  @EnvInt(30)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  NEW_SESSIONS_PER_USER_PER_MINUTE = 30;

  /** Connected sessions this node serves at most; beyond it clients are told `unavailable` (go elsewhere). */
  @EnvInt(10_000)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MAX_SESSIONS_PER_NODE = 10_000;

  /**
   * Proxies whose X-Forwarded-For is believed, as proxy-addr reads them: addresses, CIDRs or `loopback`,
   * comma-separated. Empty: the TCP peer is the client.
   */
  @Matches(/^[A-Za-z0-9.:/, ]{0,1000}$/, {
    message: 'TRUSTED_PROXIES must list addresses, CIDRs or loopback',
  })
  TRUSTED_PROXIES = '';

  /**
   * Origins whose pages may call the HTTP routes (CORS), comma-separated (`https://app.example.com`), or
   * `*` for any. Empty: none (same-origin pages only). Socket.IO needs none: it is websocket-only.
   */
  @Matches(/^(\*|(https?:\/\/[A-Za-z0-9.:-]+)(,\s*https?:\/\/[A-Za-z0-9.:-]+)*)?$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS = '';

  /**
   * This node's lite group, `gateway-{index}` (tools/rocketmq provisions gateway-0 … gateway-7 unless
   * ROCKETMQ_GATEWAY_GROUPS says more). Every gateway node running at the same time needs its own index, so
   * that each one serving a session gets all of its events (several devices on one session); a node that
   * replaces a dead one takes its index. Two live nodes with one index evict each other from the sessions
   * they share (`session_moved`).
   */
  @EnvInt(0)
  @IsInt()
  @Min(0)
  @Max(1023)
  GATEWAY_GROUP_INDEX = 0;

  /** Ack each received batch of session events in one call to the proxy (notes §8.2, docs/rocketmq.md). */
  @IsIn(['true', 'false'], { message: 'ROCKETMQ_COALESCE_ACKS must be true or false' })
  ROCKETMQ_COALESCE_ACKS: 'true' | 'false' = 'false';

  /** After a receive that returned session events, wait this long (ms) before the next receive. */
  @EnvInt(0)
  @IsInt()
  @Min(0)
  @Max(100)
  ROCKETMQ_RECEIVE_LINGER_MS = 0;

  /** Longest `chat.send` text, in characters. */
  @EnvInt(8000)
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAX_TEXT_CHARS = 8000;

  /** Client → server events per second per socket. */
  @EnvInt(10)
  @IsInt()
  @Min(1)
  @Max(10_000)
  MAX_EVENTS_PER_SECOND = 10;

  /**
   * A queued request whose turn the session's log does not show after this long is sent again (ms): a
   * broker killed while a scheduler held the request may lose it (docs/rocketmq.md, "Broker restarts").
   */
  @EnvInt(10_000)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  REQUEST_RESEND_AFTER_MS = 10_000;

  /** Copies of such a request at most; 0 never sends one. */
  @EnvInt(3)
  @IsInt()
  @Min(0)
  @Max(20)
  REQUEST_RESENDS = 3;

  /** Time clients get between `server.draining` and the disconnect at shutdown (ms). */
  @EnvInt(500)
  @IsInt()
  @Min(0)
  @Max(60_000)
  DRAIN_GRACE_MS = 500;

  /** Folder of the built demo page (`nx run demo:build`), served at `/`; relative to the working directory. */
  @IsString()
  @MinLength(1, { message: 'DEMO_DIR must be a folder path (or unset for dist/apps/demo)' })
  DEMO_DIR = 'dist/apps/demo';

  /** Shown to clients in the `session` event. */
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'GATEWAY_NODE_ID must be 1-64 characters from [A-Za-z0-9_.-]',
  })
  GATEWAY_NODE_ID = `${hostname()}-${process.pid}`;
}

/** For ConfigModule.forRoot({ validate }): throws EnvValidationError listing every problem. */
export function validateGatewayEnv(raw: Record<string, unknown>): GatewayEnv {
  return validateEnv(GatewayEnv, raw, 'gateway');
}
