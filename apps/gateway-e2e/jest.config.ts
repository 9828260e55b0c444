// End-to-end: socket.io-client → gateway processes → the real RocketMQ broker (started by tools/rocketmq).
export default {
  displayName: 'gateway-e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/../../tools/rocketmq/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/rocketmq/src/jest/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/src/support/stop-leftovers.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
};
