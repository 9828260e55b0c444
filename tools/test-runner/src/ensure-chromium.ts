/**
 * Before the e2e stage: makes sure Debian's Chromium is there for the browser test
 * (apps/gateway-e2e/src/browser.e2e-spec.ts). If it is not, and this runs as root on a machine with
 * apt-get, it runs `apt-get install -y chromium` (and `apt-get update` first when the package lists are
 * missing or stale). It never throws and never skips anything: when Chromium still cannot be found, the
 * browser test fails with the reason.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const say = (message: string) => console.log(`[test] ${message}`);
const PROGRESS_EVERY_MS = 10_000;

/** The Chromium the browser test would use (CHROMIUM_PATH, else `chromium` on PATH), if any. */
export function findChromium(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return onPath('chromium') ?? onPath('chromium-browser');
}

/** The executable `name` in a folder of PATH, like `which`. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Installs Chromium with apt-get when it is missing; `logDir` gets apt's output. */
export async function ensureChromium(logDir: string): Promise<void> {
  const found = findChromium();
  if (found) return say(`Chromium for the browser test: ${found}`);
  if (process.env['CHROMIUM_PATH']) {
    return say(`CHROMIUM_PATH=${process.env['CHROMIUM_PATH']} does not exist: the browser test will fail`);
  }
  if (!hasAptGet() || process.getuid?.() !== 0) {
    return say(
      'Chromium is not installed and cannot be installed from here (needs root and apt-get): the browser ' +
        'test will fail. Install it with `sudo apt-get install -y chromium`, or set CHROMIUM_PATH.',
    );
  }
  mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, 'chromium-install.log');
  const started = Date.now();
  say(`Chromium is not installed; installing it: apt-get install -y chromium (output in ${log})`);
  let code = await apt(['install', '-y', 'chromium'], log, started);
  if (code !== 0) {
    say(`apt-get install exited with ${code}; running apt-get update and trying again`);
    code = (await apt(['update'], log, started)) || (await apt(['install', '-y', 'chromium'], log, started));
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  if (code === 0 && findChromium()) say(`Chromium installed in ${seconds} s: ${findChromium()}`);
  else
    say(`could not install Chromium (apt-get exited with ${code}, see ${log}): the browser test will fail`);
}

function hasAptGet(): boolean {
  return onPath('apt-get') !== undefined;
}

/** Runs apt-get, its output into `log`, a progress line every 10 s; resolves with its exit code. */
function apt(args: string[], log: string, started: number): Promise<number> {
  return new Promise((resolve) => {
    const out = createWriteStream(log, { flags: 'a' });
    out.write(`$ apt-get ${args.join(' ')}\n`);
    const child = spawn('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = '';
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        out.write(`${line}\n`);
        if (line.trim()) last = line.trim();
      });
    }
    const progress = setInterval(() => {
      say(`  still installing (${Math.round((Date.now() - started) / 1000)} s): ${last.slice(0, 100)}`);
    }, PROGRESS_EVERY_MS);
    const done = (code: number) => {
      clearInterval(progress);
      out.end(() => resolve(code));
    };
    child.once('error', (error) => {
      out.write(`${error.message}\n`);
      done(127);
    });
    child.once('close', (exitCode) => done(exitCode ?? 1));
  });
}
