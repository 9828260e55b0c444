import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MODEL_SERVER, type ModelPaths, modelPaths } from './model-config';
import { say, withHeartbeat } from './progress';
import { python, runVisible } from './run';

/**
 * llama-cpp-python's OpenAI-compatible server in a virtual environment of its own, built once from its
 * PyPI source release (pip compiles llama.cpp for this CPU). Done again only when MODEL_SERVER changes.
 */
export async function ensureModelServer(paths: ModelPaths = modelPaths()): Promise<void> {
  const wanted = JSON.stringify(MODEL_SERVER);
  if (existsSync(paths.python) && readMarker(paths.serverMarker) === wanted) {
    say(`${MODEL_SERVER.package} ${MODEL_SERVER.version} already installed (${paths.venv})`);
    return;
  }
  rmSync(paths.venv, { recursive: true, force: true });
  say(`creating a Python virtual environment for ${MODEL_SERVER.package} in ${paths.venv}`);
  await runVisible(python(), ['-m', 'venv', paths.venv]);
  const requirement = `${MODEL_SERVER.package}[${MODEL_SERVER.extras}]==${MODEL_SERVER.version}`;
  await withHeartbeat(
    `building ${requirement} from its PyPI source (llama.cpp for this CPU; several minutes, once)`,
    () =>
      runVisible(
        paths.python,
        [
          '-m',
          'pip',
          'install',
          '--disable-pip-version-check',
          '--progress-bar',
          'on',
          '--no-binary',
          MODEL_SERVER.package,
          requirement,
        ],
        {
          ...process.env,
          CMAKE_ARGS: MODEL_SERVER.cmakeArgs,
          CMAKE_BUILD_PARALLEL_LEVEL: String(availableParallelism()),
        },
      ),
  );
  writeFileSync(paths.serverMarker, wanted);
}

function readMarker(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
