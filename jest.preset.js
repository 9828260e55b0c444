// Shared Jest settings for every project. ts-jest transpiles only (isolatedModules);
// type errors are caught by each project's `typecheck` target, which keeps test start-up fast on 2 cores.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', isolatedModules: true }],
  },
  moduleNameMapper: {
    '^@litesession/rocketmq$': path.join(__dirname, 'libs/rocketmq/src/index.ts'),
    '^@litesession/rocketmq/health$': path.join(__dirname, 'libs/rocketmq/src/health.ts'),
    '^@litesession/rocketmq/testing$': path.join(__dirname, 'libs/rocketmq/src/testing.ts'),
    '^@litesession/rocketmq/transport$': path.join(__dirname, 'libs/rocketmq/src/transport.ts'),
    '^@litesession/rocketmq-tools$': path.join(__dirname, 'tools/rocketmq/src/index.ts'),
    '^@litesession/chat-protocol$': path.join(__dirname, 'libs/chat-protocol/src/index.ts'),
    '^@litesession/client$': path.join(__dirname, 'libs/client/src/index.ts'),
    '^@litesession/stack-tools$': path.join(__dirname, 'tools/stack/src/index.ts'),
    '^@litesession/test-runner$': path.join(__dirname, 'tools/test-runner/src/index.ts'),
  },
  reporters: ['default', path.join(__dirname, 'tools/test-runner/src/results-reporter.js')],
};
