// The model suite (`npm run test:model`): the scheduler's openai provider against llama-cpp-python's real
// OpenAI-compatible server serving the local model (tools/model), through the real broker. Opt-in: its
// first run builds the server from source (minutes).
export default {
  displayName: 'gateway-model',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/model/**/*.model-spec.ts'],
  globalSetup: '<rootDir>/../../tools/rocketmq/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/rocketmq/src/jest/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/src/support/stop-leftovers.ts'],
  testTimeout: 300_000,
  maxWorkers: 1,
};
