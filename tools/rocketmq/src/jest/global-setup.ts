/**
 * Jest global setup for tests that need the real broker: starts the local RocketMQ cluster through
 * tools/rocketmq unless it already runs, and exports its endpoint to the test workers. A broker that
 * cannot start fails the whole run with the tool's error; tests are never skipped.
 */
import './register-paths';
import { loadToolConfig, proxyEndpoint, start } from '../index';
import { readCurrentVersion } from '../artifacts';
import type { Role } from '../jvm';

declare global {
  // Shared with global-teardown (same process).
  var __litesessionStartedRoles: Role[] | undefined;
}

export default async function globalSetup(): Promise<void> {
  const config = loadToolConfig();
  // start() skips servers that already run and provisions only what changed, so it is cheap when up.
  const info = await start(config);
  globalThis.__litesessionStartedRoles = info.started;
  const version = readCurrentVersion(config) ?? 'unknown';
  process.env['ROCKETMQ_ENDPOINTS'] = proxyEndpoint(config);
  process.env['ROCKETMQ_BROKER_VERSION'] = version;
  process.stderr.write(
    `\n[integration] Apache RocketMQ ${version} (namesrv + broker + cluster-mode proxy) at ${proxyEndpoint(config)}\n`,
  );
}
