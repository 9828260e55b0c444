/**
 * `nx run <app>:build`: compiles a Nest app to CommonJS with SWC.
 *
 *   tsx tools/build/src/cli.ts --project apps/gateway/tsconfig.app.json --main apps/gateway/src/main.ts \
 *     --out dist/apps/gateway
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from './build-app';

const ROOT = path.resolve(__dirname, '../../..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      project: { type: 'string' },
      main: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const { project, main: entry, out } = values;
  if (!project || !entry || !out) {
    throw new Error(
      'usage: cli.ts --project <tsconfig.app.json> --main <src/main.ts> --out <dist/apps/name>',
    );
  }
  const since = Date.now();
  const result = await buildApp({ root: ROOT, project, main: entry, outDir: out });
  const seconds = ((Date.now() - since) / 1000).toFixed(1);
  console.log(`[build] ${result.files} files in ${seconds} s -> node ${path.relative(ROOT, result.entry)}`);
}

main().catch((error: unknown) => {
  console.error(`[build] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exit(1);
});
