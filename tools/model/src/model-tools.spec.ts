import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sha256Of } from './fetch-model';
import { LOCAL_MODEL, modelPaths } from './model-config';
import { modelServerCommand } from './model-server';
import { elapsed } from './progress';

describe('the local model tools', () => {
  it('hashes a file as sha256sum does', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'model-tools-'));
    try {
      const file = path.join(dir, 'abc');
      writeFileSync(file, 'abc');
      await expect(sha256Of(file)).resolves.toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the model and the server under MODEL_DIR', () => {
    const paths = modelPaths({ MODEL_DIR: '/cache/models' });
    expect(paths.model).toBe(`/cache/models/${LOCAL_MODEL.fileName}`);
    expect(paths.python).toBe('/cache/models/llama-cpp-server/bin/python');
  });

  it('serves the model on loopback under its alias, with the given port and context', () => {
    const paths = modelPaths({ MODEL_DIR: '/m' });
    const server = modelServerCommand({ port: 8123, contextTokens: 4096, threads: 2 }, paths);
    expect(server).toMatchObject({
      command: '/m/llama-cpp-server/bin/python',
      baseUrl: 'http://127.0.0.1:8123/v1',
      readyUrl: 'http://127.0.0.1:8123/v1/models',
      model: LOCAL_MODEL.alias,
    });
    const flag = (name: string) => server.args[server.args.indexOf(name) + 1];
    expect([flag('--model'), flag('--host'), flag('--port'), flag('--n_ctx'), flag('--n_threads')]).toEqual([
      paths.model,
      '127.0.0.1',
      '8123',
      '4096',
      '2',
    ]);
  });

  it('says how long a step has run in seconds, then minutes', () => {
    expect(elapsed(0, 42_400)).toBe('42 s');
    expect(elapsed(0, 150_000)).toBe('2 min 30 s');
  });
});
