// The short chaos drill (part of `npm test`): real gateway and scheduler processes on the real broker.
export default {
  displayName: 'chaos-drill',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/../rocketmq/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../rocketmq/src/jest/global-teardown.ts',
  testTimeout: 600_000,
  maxWorkers: 1,
};
