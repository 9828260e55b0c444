import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.rocketmq', '**/tmp', '**/coverage'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      // Tags are the architecture: apps use libraries, libraries use utilities, tools drive the
      // broker and the test run. Nothing imports an app, and the shared library stays free of
      // socket/HTTP frameworks so that any kind of process can use it.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            // A page that runs in the browser (apps/demo): libraries that run there too.
            { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:util'] },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:tool', 'type:util', 'type:data-access'],
            },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:tool', 'type:util'] },
            {
              // The wire contract (libs/chat-protocol): what browsers, Node clients and servers share.
              sourceTag: 'scope:contract',
              onlyDependOnLibsWithTags: ['scope:contract'],
              bannedExternalImports: ['@nestjs/*', 'socket.io*', 'rocketmq-client-nodejs'],
            },
            {
              sourceTag: 'scope:shared',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:contract'],
              bannedExternalImports: [
                'socket.io',
                'socket.io-client',
                '@nestjs/websockets',
                '@nestjs/platform-*',
              ],
            },
            {
              // The browser/Node client SDK: socket.io-client yes, server frameworks no.
              sourceTag: 'scope:client',
              onlyDependOnLibsWithTags: ['scope:client', 'scope:contract'],
              bannedExternalImports: ['socket.io', '@nestjs/*', 'rocketmq-client-nodejs'],
            },
            {
              // The demo page: a browser app of the client SDK, nothing of the servers.
              sourceTag: 'scope:demo',
              onlyDependOnLibsWithTags: ['scope:client', 'scope:contract'],
              bannedExternalImports: ['@nestjs/*', 'socket.io', 'rocketmq-client-nodejs'],
            },
            {
              sourceTag: 'scope:gateway',
              onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared', 'scope:contract'],
            },
            {
              sourceTag: 'scope:llm-scheduler',
              onlyDependOnLibsWithTags: ['scope:llm-scheduler', 'scope:shared', 'scope:contract'],
            },
            {
              // End-to-end suites drive the apps from outside, with the tools that run them.
              sourceTag: 'scope:e2e',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:client', 'scope:tools', 'scope:contract'],
            },
            {
              sourceTag: 'scope:tools',
              onlyDependOnLibsWithTags: ['scope:tools', 'scope:shared', 'scope:client', 'scope:contract'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    // Browser code: Nx's bannedExternalImports does not see Node's built-ins, so 'node:*' is banned here.
    files: [
      'libs/client/src/**/*.ts',
      'libs/chat-protocol/src/**/*.ts',
      'apps/demo/src/**/*.ts',
      'apps/demo/src/**/*.tsx',
    ],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'This code runs in browsers: no Node built-ins.' }] },
      ],
    },
  },
  {
    // Command-line tools talk to a person on a terminal; integration tests print their measurements.
    files: ['tools/**/*.ts', 'tools/**/*.js', '**/test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
];
