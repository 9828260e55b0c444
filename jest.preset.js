// Shared Jest settings for every project. ts-jest transpiles only (isolatedModules);
// type errors are caught by each project's `typecheck` target, which keeps test start-up fast on 2 cores.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

module.exports = {
  testEnvironment: 'node',
  // Many unit tests do real work (compile with SWC, start servers on loopback). Jest's 5 s default fails
  // them on a busy 2-core machine; no test may depend on an idle CPU. Timing goals live in tools/bench.
  testTimeout: 30_000,
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', isolatedModules: true }],
    // jose 6 and the AI SDK (ai, @ai-sdk/*) ship ES modules only; Node 20 loads them with require(esm),
    // Jest 30 on Node 20 does not.
    '^.+/node_modules/(jose|ai|zod|@ai-sdk/[^/]+|@workflow/[^/]+|@standard-schema/[^/]+)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' }, isolatedModules: true },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|ai|zod|@ai-sdk|@workflow|@standard-schema)/)'],
  // The workspace's path aliases, from tsconfig.base.json (one definition).
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: `${__dirname}/` }),
  reporters: ['default', path.join(__dirname, 'tools/test-runner/src/results-reporter.js')],
};
