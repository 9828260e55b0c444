import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { transformFile } from '@swc/core';
import { BuildError, readAppSources } from './app-sources';
import { toSwcOptions } from './swc-options';

export interface BuildAppOptions {
  /** The workspace root; the output mirrors paths below it. */
  root: string;
  /** The app's tsconfig (e.g. apps/gateway/tsconfig.app.json), relative to root or absolute. */
  project: string;
  /** The app's entry (e.g. apps/gateway/src/main.ts). */
  main: string;
  /** Output folder, emptied first; must be inside `<root>/dist`. */
  outDir: string;
}

export interface BuildResult {
  /** `<outDir>/main.js`, the file to run with node. */
  entry: string;
  files: number;
}

/**
 * Compiles an app and the library files it imports into `outDir`, one .js (+ .js.map) per source, keeping
 * workspace paths (`<outDir>/apps/gateway/src/main.js`, `<outDir>/libs/rocketmq/src/index.js`) so the rewritten
 * alias imports stay valid. `<outDir>/main.js` requires the entry. Packages come from node_modules at run time.
 */
export async function buildApp(options: BuildAppOptions): Promise<BuildResult> {
  const root = path.resolve(options.root);
  const [project, main, outDir] = [options.project, options.main, options.outDir].map((p) =>
    path.resolve(root, p),
  );
  for (const [file, what] of [
    [project, 'tsconfig'],
    [main, 'entry'],
  ] as const) {
    if (!existsSync(file)) throw new BuildError(`${what} ${path.relative(root, file)} does not exist`);
  }
  if (path.relative(path.join(root, 'dist'), outDir).startsWith('..')) {
    throw new BuildError(`the output folder must be inside ${path.join(root, 'dist')} (got ${outDir})`);
  }
  const { options: compilerOptions, files } = readAppSources(project, root);
  if (!files.includes(main)) {
    throw new BuildError(`${path.relative(root, main)} is not part of ${path.relative(root, project)}`);
  }
  const swcOptions = toSwcOptions(compilerOptions);
  rmSync(outDir, { recursive: true, force: true });
  await Promise.all(
    files.map((file) => emit(file, path.join(outDir, path.relative(root, file)), swcOptions)),
  );
  const entry = path.join(outDir, 'main.js');
  const target = `./${toJsPath(path.relative(root, main)).split(path.sep).join('/')}`;
  writeFileSync(
    entry,
    `'use strict';\n// Built by tools/build from ${path.relative(root, main)}.\nrequire('${target}');\n`,
  );
  return { entry, files: files.length };
}

async function emit(source: string, outBase: string, swcOptions: Parameters<typeof transformFile>[1]) {
  mkdirSync(path.dirname(outBase), { recursive: true });
  if (source.endsWith('.json')) {
    copyFileSync(source, outBase);
    return;
  }
  const outFile = toJsPath(outBase);
  const { code, map } = await transformFile(source, {
    ...swcOptions,
    sourceFileName: path.relative(path.dirname(outFile), source),
  });
  const mapName = `${path.basename(outFile)}.map`;
  writeFileSync(outFile, map ? `${code}\n//# sourceMappingURL=${mapName}\n` : code);
  if (map) writeFileSync(path.join(path.dirname(outFile), mapName), map);
}

function toJsPath(file: string): string {
  return file.replace(/\.ts$/, '.js');
}
