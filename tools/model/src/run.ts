import { spawn } from 'node:child_process';

export class CommandError extends Error {
  override name = 'CommandError';
}

/**
 * Runs a command with its output passed through (pip's own progress bars stay visible); rejects with
 * the command and its exit status when it fails.
 */
export function runVisible(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    child.once('error', (error) => reject(new CommandError(`${command} could not start: ${error.message}`)));
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new CommandError(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/** The Python the tools use: PYTHON, else python3 (pip comes with it). */
export function python(env: NodeJS.ProcessEnv = process.env): string {
  return env['PYTHON'] || 'python3';
}
