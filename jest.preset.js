// Shared Jest settings for every project. ts-jest transpiles only (isolatedModules);
// type errors are caught by each project's `typecheck` target, which keeps test start-up fast on 2 cores.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

// Packages that ship ES modules only: jose 6, the AI SDK (ai, @ai-sdk/*, zod), and Vega, Vega-Lite and
// their d3 modules (the bench's charts). Node 20 loads them with require(esm); Jest 30 on Node 20 does
// not, so they are compiled to CommonJS when a test imports them.
const ESM_ONLY = [
  'jose',
  'ai',
  'zod',
  '@ai-sdk/[^/]+',
  '@workflow/[^/]+',
  '@standard-schema/[^/]+',
  'vega[^/]*',
  'd3-[^/]+',
  'internmap',
  'delaunator',
  'robust-predicates',
].join('|');

module.exports = {
  testEnvironment: 'node',
  // Many unit tests do real work (compile with SWC, start servers on loopback). Jest's 5 s default fails
  // them on a busy 2-core machine; no test may depend on an idle CPU. Timing goals live in tools/bench.
  testTimeout: 30_000,
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', isolatedModules: true }],
    [`^.+/node_modules/(${ESM_ONLY})/.+\\.m?js$`]: [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' }, isolatedModules: true },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY})/)`],
  moduleNameMapper: {
    // The workspace's path aliases, from tsconfig.base.json (one definition).
    ...pathsToModuleNameMapper(compilerOptions.paths, { prefix: `${__dirname}/` }),
    // vega-canvas's Node build looks for the optional `canvas` package with a top-level await, which
    // CommonJS cannot hold; without `canvas` (not installed) both builds measure text without a canvas.
    '^vega-canvas$': `${__dirname}/node_modules/vega-canvas/build/vega-canvas.browser.js`,
  },
  reporters: ['default', path.join(__dirname, 'tools/test-runner/src/results-reporter.js')],
};
