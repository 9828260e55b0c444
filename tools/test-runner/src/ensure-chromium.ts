/**
 * Before the e2e stage: makes sure Debian's Chromium is there for the browser test
 * (apps/gateway-e2e/src/browser.e2e-spec.ts). If it is not, and this runs as root on a machine with
 * apt-get, it runs `apt-get install -y chromium` (and `apt-get update` first when the package lists are
 * missing or stale). It never throws and never skips anything: when Chromium still cannot be found, the
 * browser test fails with the reason.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { canInstallDebianPackages, findOnPath, installDebianPackage } from './install-debian-package';

const say = (message: string) => console.log(`[test] ${message}`);

/** The Chromium the browser test would use (CHROMIUM_PATH, else `chromium` on PATH), if any. */
export function findChromium(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return findOnPath('chromium') ?? findOnPath('chromium-browser');
}

/** Installs Chromium with apt-get when it is missing; `logDir` gets apt's output. */
export async function ensureChromium(logDir: string): Promise<void> {
  const found = findChromium();
  if (found) return say(`Chromium for the browser test: ${found}`);
  if (process.env['CHROMIUM_PATH']) {
    return say(`CHROMIUM_PATH=${process.env['CHROMIUM_PATH']} does not exist: the browser test will fail`);
  }
  if (!canInstallDebianPackages()) {
    return say(
      'Chromium is not installed and cannot be installed from here (needs root and apt-get): the browser ' +
        'test will fail. Install it with `sudo apt-get install -y chromium`, or set CHROMIUM_PATH.',
    );
  }
  mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, 'chromium-install.log');
  const started = Date.now();
  say(`Chromium is not installed; installing it: apt-get install -y chromium (output in ${log})`);
  const code = await installDebianPackage('chromium', log, say);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (code === 0 && findChromium()) say(`Chromium installed in ${seconds} s: ${findChromium()}`);
  else
    say(`could not install Chromium (apt-get exited with ${code}, see ${log}): the browser test will fail`);
}
