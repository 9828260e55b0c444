import { spawn } from 'node:child_process';
import { DEMO_DIR, ROOT } from './stack-apps';

/**
 * Builds the demo page (apps/demo/build.ts, esbuild, well under a second) into DEMO_DIR. Resolves with
 * undefined on success, or with the build's output when it failed: the stack then starts without the
 * page (the gateways answer `/` with a 404 that says so) rather than not at all.
 */
export async function buildDemoPage(): Promise<string | undefined> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/demo/build.ts', '--out', DEMO_DIR], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', (error) => {
      output.push(error.message);
      resolve(null);
    });
    child.once('close', resolve);
  });
  return code === 0 ? undefined : output.join('').trim() || `exit code ${code}`;
}
