import type { Subject } from './subject';

/** Why a credential was refused; each maps to a `chat.error` code (docs/protocol.md). */
export type AuthenticationFailure =
  /** Missing, malformed, wrongly signed, wrong audience or issuer, not valid yet. */
  | 'unauthorized'
  /** Well formed and genuine, but past its expiry: the client should fetch a fresh one. */
  | 'token_expired'
  /** The credential could not be checked now (e.g. the JWKS endpoint is down): try again later. */
  | 'unavailable';

export class AuthenticationError extends Error {
  override name = 'AuthenticationError';

  constructor(
    readonly failure: AuthenticationFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What the authenticator gets: the handshake's credential and where the connection comes from. */
export interface AuthenticationRequest {
  /** The handshake's `token` (Socket.IO) or the `Authorization: Bearer` value (HTTP); undefined when absent. */
  credential: string | undefined;
  /** The client's address (after trusted proxies). */
  address: string;
}

/**
 * Turns a connection's credential into the subject that owns its sessions. The gateway's built-in one
 * checks JWTs (JwtSessionAuthenticator); replace it with your own by providing another class for this
 * token, e.g. `AdmissionModule.forRoot({ authenticator: MyAuthenticator })`.
 * Implementations throw AuthenticationError to refuse; anything else they throw counts as `unavailable`.
 */
export abstract class SessionAuthenticator {
  /** Shown at start-up, e.g. "JWT (HS256)". */
  abstract readonly description: string;
  abstract authenticate(request: AuthenticationRequest): Promise<Subject>;
}
