import proxyaddr from 'proxy-addr';

/** Finds a connection's client address from its TCP peer and X-Forwarded-For, trusting only `trusted` proxies. */
export type ClientAddressOf = (peer: { remoteAddress: string; headers: Record<string, unknown> }) => string;

/**
 * `trusted` as proxy-addr reads it (the same rules as Express's `trust proxy`): addresses, CIDRs and the
 * names `loopback`, `linklocal`, `uniquelocal`, comma-separated; empty trusts no proxy.
 * @throws TypeError for an entry proxy-addr does not understand (checked at start-up).
 */
export function clientAddressResolver(trusted: string): ClientAddressOf {
  const entries = trusted
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const trust = proxyaddr.compile(entries);
  return ({ remoteAddress, headers }) => {
    const forwarded = headers['x-forwarded-for'];
    const request = {
      headers: typeof forwarded === 'string' ? { 'x-forwarded-for': forwarded } : {},
      connection: { remoteAddress },
      socket: { remoteAddress },
    };
    return proxyaddr(request as unknown as Parameters<typeof proxyaddr>[0], trust);
  };
}
