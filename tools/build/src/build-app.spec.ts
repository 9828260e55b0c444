import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from './build-app';

// Inside the workspace (tmp/ is git-ignored) so that the emitted code finds node_modules.
const REPO_ROOT = path.resolve(__dirname, '../../..');

describe('buildApp', () => {
  let root: string;

  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  beforeEach(() => {
    mkdirSync(path.join(REPO_ROOT, 'tmp'), { recursive: true });
    root = mkdtempSync(path.join(REPO_ROOT, 'tmp', 'build-spec-'));
    write(
      'app/tsconfig.app.json',
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          baseUrl: '..',
          paths: { '@fixture/lib': ['lib/src/index.ts'] },
        },
        include: ['src/**/*.ts'],
        exclude: ['src/**/*.spec.ts'],
      }),
    );
    write('lib/src/index.ts', "export class Dependency {}\nexport const version: string = '1';\n");
    write('lib/src/index.spec.ts', 'throw new Error("a spec must not be built");\n');
    write('app/src/main.spec.ts', 'throw new Error("a spec must not be built");\n');
    write(
      'app/src/main.ts',
      [
        "import 'reflect-metadata';",
        "import { Dependency, version } from '@fixture/lib';",
        'const Injectable = (): ClassDecorator => () => undefined;',
        '@Injectable()',
        'export class Service {',
        '  constructor(readonly dependency: Dependency) {}',
        '}',
        "export const paramTypes: unknown[] = Reflect.getMetadata('design:paramtypes', Service);",
        'export const libVersion = version;',
      ].join('\n'),
    );
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const build = (outDir = 'dist/app') =>
    buildApp({ root, project: 'app/tsconfig.app.json', main: 'app/src/main.ts', outDir });

  it('emits CommonJS with decorator metadata and aliases rewritten to the built library', async () => {
    const result = await build();

    expect(result.entry).toBe(path.join(root, 'dist/app/main.js'));
    const built = require(path.join(root, 'dist/app/app/src/main.js'));
    const lib = require(path.join(root, 'dist/app/lib/src/index.js'));
    expect(built.paramTypes).toEqual([lib.Dependency]);
    expect(built.libVersion).toBe('1');
  });

  it('builds only the files the app reaches, without specs, plus a main.js that loads the entry', async () => {
    const result = await build();

    expect(result.files).toBe(2);
    expect(readdirSync(path.join(root, 'dist/app/app/src')).sort()).toEqual(['main.js', 'main.js.map']);
    expect(readdirSync(path.join(root, 'dist/app/lib/src')).sort()).toEqual(['index.js', 'index.js.map']);
    expect(require(result.entry)).toEqual({}); // the shim itself exports nothing; loading it ran main.js
  });

  it('empties the output folder first', async () => {
    write('dist/app/stale.js', 'stale');

    await build();

    expect(existsSync(path.join(root, 'dist/app/stale.js'))).toBe(false);
  });

  it('refuses an output folder outside dist/', async () => {
    await expect(build('app')).rejects.toThrow(/must be inside .*dist/);
  });

  it('refuses to ship a spec file that app code imports', async () => {
    write('app/src/uses-spec.ts', "import './main.spec';\n");

    await expect(build()).rejects.toThrow(/app\/src\/main\.spec\.ts is a test file/);
  });

  it('names a missing entry', async () => {
    rmSync(path.join(root, 'app/src/main.ts'));

    await expect(build()).rejects.toThrow('entry app/src/main.ts does not exist');
  });
});
