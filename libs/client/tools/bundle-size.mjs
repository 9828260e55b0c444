// Measures the browser bundle of @litesession/client: minified ESM, with socket.io-client bundled in and
// with it left external (for apps that load socket.io-client anyway). Run: npx nx run client:size
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

async function measure(external) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external,
    write: false,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  return { bytes: code.length, gzip: gzipSync(code).length };
}

for (const [label, external] of [
  ['with socket.io-client', []],
  ['socket.io-client external', ['socket.io-client']],
]) {
  const { bytes, gzip } = await measure(external);
  console.log(`${label.padEnd(28)} ${String(bytes).padStart(7)} B  ${String(gzip).padStart(6)} B gzip`);
}
