import { type AuthenticationRequest, SessionAuthenticator } from './session-authenticator';
import type { Subject } from './subject';

/** The one subject of anonymous mode: a session then belongs to whoever holds its resume token. */
export const ANONYMOUS: Subject = Object.freeze({ userId: 'anonymous' });

/**
 * Anonymous mode, for `npm start` and the demo only (AUTH_MODE=anonymous; the node warns at start-up):
 * every connection is accepted as the same subject. Rate limits per address still apply.
 */
export class AnonymousSessionAuthenticator extends SessionAuthenticator {
  readonly description = 'anonymous (development only: anyone can open sessions)';

  async authenticate(_request: AuthenticationRequest): Promise<Subject> {
    return ANONYMOUS;
  }
}
