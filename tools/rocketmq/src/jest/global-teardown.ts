import './register-paths';
import { loadToolConfig, stop } from '../index';

/** Stops only what global-setup started. */
export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__litesessionStartedRoles ?? [];
  if (started.length > 0) await stop(loadToolConfig(), started);
}
