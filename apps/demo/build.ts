/**
 * `nx run demo:build`: bundles the demo pages with esbuild into `dist/apps/demo/` (index.html and app.js,
 * the useChat demo's usechat.html and usechat.js, styles.css and source maps), which the gateway serves at `/`. `--out <dir>` builds elsewhere (the browser
 * e2e test builds its own copy); the folder must be inside the workspace's `dist/` or `tmp/`, as it is
 * emptied first.
 *
 * esbuild resolves the `@litesession/*` aliases from tsconfig.base.json's `paths`, and socket.io-client's
 * browser build through the packages' `browser` fields.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(__dirname, 'src');

function outDir(argv: readonly string[]): string {
  const index = argv.indexOf('--out');
  const out = path.resolve(ROOT, index >= 0 ? (argv[index + 1] ?? '') : 'dist/apps/demo');
  const allowed = ['dist', 'tmp'].map((dir) => path.join(ROOT, dir) + path.sep);
  if (!allowed.some((prefix) => out.startsWith(prefix))) {
    throw new Error(`demo build: --out must be a folder inside dist/ or tmp/ (got ${out})`);
  }
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  const out = outDir(process.argv.slice(2));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: {
      app: path.join(SRC, 'main.ts'),
      usechat: path.join(SRC, 'usechat', 'main.ts'),
      styles: path.join(SRC, 'styles.css'),
    },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    tsconfig: path.join(ROOT, 'tsconfig.base.json'),
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
  });
  copyFileSync(path.join(SRC, 'index.html'), path.join(out, 'index.html'));
  copyFileSync(path.join(SRC, 'usechat', 'usechat.html'), path.join(out, 'usechat.html'));
  process.stdout.write(`demo built in ${Date.now() - started} ms: ${path.relative(ROOT, out)}/\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
