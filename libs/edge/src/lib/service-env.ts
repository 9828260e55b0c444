import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { EnvInt } from './env';
import { LOG_FORMATS, type LogFormat } from './service-logging';

/**
 * The variables every LiteSession service reads: where it listens and where the RocketMQ proxy is. A
 * function of the default port, so each app's env class extends it with its own:
 * `class GatewayEnv extends ServiceEnv(3000) { … }`.
 */
export function ServiceEnv(defaultPort: number) {
  class BaseServiceEnv {
    /** HTTP port (health, metrics, and the gateway's WebSocket and SSE). */
    @EnvInt(defaultPort)
    @IsInt({ message: 'PORT must be an integer' })
    @Min(1)
    @Max(65535)
    PORT = defaultPort;

    /** Interface to listen on. */
    @IsString()
    @Matches(/^[A-Za-z0-9.:-]{1,253}$/, { message: 'HOST must be a host name or IP address' })
    HOST = '127.0.0.1';

    /** RocketMQ proxy gRPC endpoint(s). */
    @Matches(/^[^\s;:]+:\d{1,5}(;[^\s;:]+:\d{1,5})*$/, {
      message: 'ROCKETMQ_ENDPOINTS must be host:port[;host:port]',
    })
    ROCKETMQ_ENDPOINTS = '127.0.0.1:8081';

    /** `json` (one object per line) or `pretty` (for a person at a terminal; npm start sets it). */
    @IsIn(LOG_FORMATS, { message: `LOG_FORMAT must be ${LOG_FORMATS.join(' or ')}` })
    LOG_FORMAT: LogFormat = 'json';
  }
  return BaseServiceEnv;
}
