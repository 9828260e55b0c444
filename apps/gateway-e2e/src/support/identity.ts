import { DevIdentity, type MintOptions } from '@litesession/stack-tools';

/** The e2e suites play the identity provider: their gateways verify HS256 JWTs it mints. */
export const E2E_IDENTITY = new DevIdentity('e2e-jwt-secret-'.padEnd(40, 'x'), 'litesession-e2e');

/** A connection JWT for `userId`, as an identity provider would issue it. */
export function mintJwt(userId: string, options: MintOptions = {}): Promise<string> {
  return E2E_IDENTITY.mint(userId, options);
}
