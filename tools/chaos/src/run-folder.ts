import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '@litesession/stack-tools';

/** Where the drill keeps each run's node output (git-ignored, like every test artifact). */
export const RUNS_DIR = path.join(ROOT, 'test-results', 'chaos');
/** Runs kept: a broker-side run writes some 20 MB of node output. */
export const KEEP_RUNS = 5;

/**
 * Creates `<root>/<time of the run>` for this run's node output, after removing all but the newest
 * `keep - 1` earlier runs. Returns the new folder.
 */
export function createRunFolder(root = RUNS_DIR, now = new Date(), keep = KEEP_RUNS): string {
  mkdirSync(root, { recursive: true });
  // ISO times sort as text; their colons are not welcome in every file system.
  const name = now.toISOString().replace(/[:.]/g, '-');
  const earlier = readdirSync(root)
    .filter((entry) => /^\d{4}-\d{2}-\d{2}T/.test(entry))
    .sort();
  for (const old of earlier.slice(0, Math.max(0, earlier.length - (keep - 1))))
    rmSync(path.join(root, old), { recursive: true, force: true });
  const folder = path.join(root, name);
  mkdirSync(folder, { recursive: true });
  return folder;
}
