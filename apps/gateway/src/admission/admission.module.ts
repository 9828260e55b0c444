import { type DynamicModule, Logger, Module, type Provider, type Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import type { GatewayEnv } from '../config/gateway.env';
import { ADMISSION_SETTINGS, type AdmissionSettings } from './admission-settings';
import { AdmissionLimits } from './admission-limits';
import { AnonymousSessionAuthenticator } from './anonymous-session-authenticator';
import { CLIENT_ADDRESS_OF } from './client-address.token';
import { clientAddressResolver } from './client-address';
import { JwtSessionAuthenticator } from './jwt-session-authenticator';
import { NodeCapacity } from './node-capacity';
import { ResumeTokens } from './resume-tokens';
import { SessionAdmission } from './session-admission';
import { SessionAuthenticator } from './session-authenticator';

export interface AdmissionModuleOptions {
  /**
   * Your own authenticator (a class extending SessionAuthenticator, constructed by Nest with its
   * dependencies). Default: from AUTH_MODE, JWT verification or anonymous mode.
   */
  authenticator?: Type<SessionAuthenticator>;
}

type Env = ConfigService<GatewayEnv, true>;

/** Who may open or resume a session, and how often: authentication, resume tokens, rate limits, capacity. */
@Module({})
export class AdmissionModule {
  static forRoot(options: AdmissionModuleOptions = {}): DynamicModule {
    const authenticator: Provider = options.authenticator
      ? { provide: SessionAuthenticator, useClass: options.authenticator }
      : { provide: SessionAuthenticator, inject: [ConfigService], useFactory: authenticatorFromEnv };
    return {
      module: AdmissionModule,
      imports: [ThrottlerModule.forRoot({ throttlers: [] })],
      providers: [
        authenticator,
        { provide: ADMISSION_SETTINGS, inject: [ConfigService], useFactory: settingsFromEnv },
        {
          provide: ResumeTokens,
          inject: [ConfigService],
          useFactory: (config: Env) =>
            new ResumeTokens(
              {
                current: config.get('SESSION_SECRET', { infer: true }),
                previous: config.get('SESSION_SECRET_PREVIOUS', { infer: true }),
              },
              config.get('RESUME_TOKEN_TTL_SECONDS', { infer: true }) * 1000,
            ),
        },
        {
          provide: CLIENT_ADDRESS_OF,
          inject: [ConfigService],
          useFactory: (config: Env) => clientAddressResolver(config.get('TRUSTED_PROXIES', { infer: true })),
        },
        AdmissionLimits,
        NodeCapacity,
        SessionAdmission,
      ],
      exports: [SessionAdmission, NodeCapacity, CLIENT_ADDRESS_OF, SessionAuthenticator],
    };
  }
}

function authenticatorFromEnv(config: Env): SessionAuthenticator {
  const logger = new Logger(AdmissionModule.name);
  const mode = config.get('AUTH_MODE', { infer: true });
  if (mode === 'custom') {
    throw new Error('AUTH_MODE=custom, but the app passed no authenticator to SessionModule.forRoot()');
  }
  if (mode === 'anonymous') {
    logger.warn(
      'AUTH_MODE=anonymous: anyone who reaches this node can open sessions. For development and the demo only.',
    );
    return new AnonymousSessionAuthenticator();
  }
  const secret = config.get('JWT_SECRET', { infer: true });
  const jwksUrl = config.get('JWT_JWKS_URL', { infer: true });
  const authenticator = new JwtSessionAuthenticator({
    ...(jwksUrl === undefined ? { secret } : { jwksUrl }),
    audience: config.get('JWT_AUDIENCE', { infer: true }),
    issuer: config.get('JWT_ISSUER', { infer: true }),
    clockToleranceSeconds: config.get('JWT_CLOCK_TOLERANCE_SECONDS', { infer: true }),
    tenantClaim: config.get('JWT_TENANT_CLAIM', { infer: true }),
  });
  logger.log(`Connections authenticate with ${authenticator.description}`);
  return authenticator;
}

function settingsFromEnv(config: Env): AdmissionSettings {
  return {
    rates: {
      connectionsPerIp: config.get('CONNECTIONS_PER_IP_PER_MINUTE', { infer: true }),
      newSessionsPerIp: config.get('NEW_SESSIONS_PER_IP_PER_MINUTE', { infer: true }),
      connectionsPerUser: config.get('CONNECTIONS_PER_USER_PER_MINUTE', { infer: true }),
      newSessionsPerUser: config.get('NEW_SESSIONS_PER_USER_PER_MINUTE', { infer: true }),
    },
    maxSessionsPerNode: config.get('MAX_SESSIONS_PER_NODE', { infer: true }),
  };
}
