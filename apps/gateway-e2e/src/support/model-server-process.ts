import { ensureModel, ensureModelServer, type ModelServerCommand } from '@litesession/model-tools';
import { freePort, type NodeProcess, spawnModelServer } from '@litesession/stack-tools';

/** llama-cpp-python's OpenAI-compatible server over the local model (tools/model), as its own process. */
export class ModelServerProcess {
  private constructor(
    readonly process: NodeProcess,
    readonly command: ModelServerCommand,
  ) {}

  /** Fetches the model and builds the server if this machine has neither yet (the first run: minutes). */
  static async prepare(): Promise<void> {
    await ensureModel();
    await ensureModelServer();
  }

  static async start(): Promise<ModelServerProcess> {
    const { process, command } = spawnModelServer(await freePort());
    await process.waitReady(180_000);
    return new ModelServerProcess(process, command);
  }

  /** What the scheduler needs to use it through its `openai` provider. */
  schedulerEnv(model = this.command.model): Record<string, string> {
    return {
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: this.command.baseUrl,
      LLM_MODEL: model,
      LLM_API_KEY: 'local',
    };
  }

  /** The server's recent output (llama-cpp-python prints `disconnected` when a client goes away mid-reply). */
  output(): string {
    return this.process.lastLines();
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }

  /** SIGKILL by its own pid, and wait until it is gone. */
  async kill(): Promise<void> {
    this.process.kill();
    await this.process.exited;
  }
}
