import path from 'node:path';
import ts from 'typescript';

/** An app's compile inputs: its tsconfig's options and every workspace file its program reaches. */
export interface AppSources {
  options: ts.CompilerOptions;
  /** Absolute paths of the .ts (and imported .json) files to emit, libraries reached through aliases included. */
  files: string[];
}

export class BuildError extends Error {
  override name = 'BuildError';
}

/**
 * Reads `tsconfigPath` the way tsc does and lists the files its program reaches: the app's own files (the
 * tsconfig's include/exclude, so no specs) plus the library files imported through path aliases.
 * Only parses and resolves; type errors are the `typecheck` target's job.
 */
export function readAppSources(tsconfigPath: string, root: string): AppSources {
  const { config, error } = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  if (error) throw new BuildError(`cannot read ${tsconfigPath}: ${flatten(error)}`);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(tsconfigPath));
  if (parsed.errors.length > 0) {
    throw new BuildError(`${tsconfigPath}: ${parsed.errors.map(flatten).join('; ')}`);
  }
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const files = program
    .getSourceFiles()
    .filter((file) => !file.isDeclarationFile && !file.fileName.includes('/node_modules/'))
    .map((file) => path.resolve(file.fileName));
  for (const file of files) assertShippable(file, root);
  return { options: parsed.options, files };
}

/** A spec reached from app code, or a file outside the workspace, would end up in (or escape) the output. */
function assertShippable(file: string, root: string): void {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new BuildError(`${file} is outside the workspace ${root}; the output mirrors workspace paths`);
  }
  if (/\.(spec|int-spec|e2e-spec|test)\.ts$/.test(file)) {
    throw new BuildError(`${relative} is a test file but app code imports it; it must not ship`);
  }
}

function flatten(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
}
