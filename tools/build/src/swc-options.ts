import path from 'node:path';
import type { Options } from '@swc/core';
import ts from 'typescript';
import { BuildError } from './app-sources';

/**
 * SWC options that emit what tsc would for these compiler options: CommonJS, the same target and class-field
 * semantics, legacy decorators with `design:*` metadata (Nest's DI reads it), and path aliases rewritten to
 * relative requires.
 */
export function toSwcOptions(options: ts.CompilerOptions): Options {
  if (options.module !== ts.ModuleKind.CommonJS) {
    throw new BuildError('only "module": "commonjs" tsconfigs are supported (the apps run as CommonJS)');
  }
  const target = options.target ?? ts.ScriptTarget.ES2018;
  const baseUrl = path.resolve(options.baseUrl ?? '.');
  return {
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target: toSwcTarget(target),
      keepClassNames: true, // Nest names loggers and providers after classes
      // Helpers inlined: @swc/helpers is a dev dependency, the output must run on production dependencies.
      externalHelpers: false,
      transform: {
        legacyDecorator: options.experimentalDecorators ?? false,
        decoratorMetadata: options.emitDecoratorMetadata ?? false,
        useDefineForClassFields: options.useDefineForClassFields ?? target >= ts.ScriptTarget.ES2022,
      },
      baseUrl,
      paths: Object.fromEntries(
        Object.entries(options.paths ?? {}).map(([alias, targets]) => [
          alias,
          targets.map((target) => path.resolve(baseUrl, target)),
        ]),
      ),
    },
  };
}

function toSwcTarget(target: ts.ScriptTarget): NonNullable<NonNullable<Options['jsc']>['target']> {
  if (target >= ts.ScriptTarget.ES2022) return 'es2022';
  if (target >= ts.ScriptTarget.ES2020) return 'es2020';
  throw new BuildError(`target ${ts.ScriptTarget[target]} is not supported; use ES2020 or later`);
}
