/**
 * Installs a Debian package with apt-get, for tools that need a system program the machine may lack
 * (Chromium for the browser test, redis-server for the benchmark). Output goes to a log file; a progress
 * line is reported every 10 s, because an install can take minutes.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const PROGRESS_EVERY_MS = 10_000;

/** The executable `name` in a folder of PATH, like `which`. */
export function findOnPath(name: string): string | undefined {
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

/** True when this process may install Debian packages: it runs as root on a machine with apt-get. */
export function canInstallDebianPackages(): boolean {
  return findOnPath('apt-get') !== undefined && process.getuid?.() === 0;
}

/**
 * `apt-get install -y <name>`, and when that fails `apt-get update` and the install again (the package
 * lists may be missing or stale). Resolves with apt-get's last exit code; never throws.
 */
export async function installDebianPackage(
  name: string,
  log: string,
  say: (message: string) => void,
): Promise<number> {
  const started = Date.now();
  let code = await apt(['install', '-y', name], log, started, say);
  if (code !== 0) {
    say(`apt-get install exited with ${code}; running apt-get update and trying again`);
    code =
      (await apt(['update'], log, started, say)) || (await apt(['install', '-y', name], log, started, say));
  }
  return code;
}

/** Runs apt-get, its output into `log`, a progress line every 10 s; resolves with its exit code. */
function apt(args: string[], log: string, started: number, say: (message: string) => void): Promise<number> {
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
