// Integration tests against a real RocketMQ 5.5 broker. The global setup starts it through
// tools/rocketmq when it is not already running (and stops only what it started); it fails the
// run loudly when the broker cannot start. These tests are never skipped.
export default {
  displayName: 'rocketmq:integration',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/../../tools/rocketmq/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/rocketmq/src/jest/global-teardown.ts',
  testTimeout: 180_000,
  maxWorkers: 1,
};
