import { availableParallelism } from 'node:os';
import { LOCAL_MODEL, type ModelPaths, modelPaths } from './model-config';

/** How to run the local model's server on `port` (loopback only), as a command any runner can spawn. */
export interface ModelServerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** OpenAI-compatible base URL, for the scheduler's LLM_BASE_URL. */
  baseUrl: string;
  /** Answers 200 once the model is loaded. */
  readyUrl: string;
  /** The name to send as `model` (the scheduler's LLM_MODEL). */
  model: string;
}

export interface ModelServerOptions {
  port: number;
  /** Context window in tokens: the conversation and the reply together. @default 2048 */
  contextTokens?: number;
  /** CPU threads for generation. @default all cores */
  threads?: number;
}

/**
 * llama-cpp-python's server over the local model. The prompt is built with the chat template stored in
 * the GGUF file (the model's own), and a request whose client goes away stops generating.
 */
export function modelServerCommand(
  options: ModelServerOptions,
  paths: ModelPaths = modelPaths(),
): ModelServerCommand {
  const baseUrl = `http://127.0.0.1:${options.port}/v1`;
  return {
    command: paths.python,
    args: [
      '-m',
      'llama_cpp.server',
      '--model',
      paths.model,
      '--model_alias',
      LOCAL_MODEL.alias,
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--n_ctx',
      String(options.contextTokens ?? 2048),
      '--n_threads',
      String(options.threads ?? availableParallelism()),
    ],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    baseUrl,
    readyUrl: `${baseUrl}/models`,
    model: LOCAL_MODEL.alias,
  };
}
