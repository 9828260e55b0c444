/**
 * Runs one probe against the local cluster (start it first: npm run rocketmq -- start):
 *   npx tsx --tsconfig tsconfig.base.json libs/rocketmq/test/probes/run-probe.ts <takeover-fifo-group|stall-without-recovery> [runs]
 * Probes measure broker behaviour that the test suite avoids on purpose; docs/rocketmq.md quotes them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const [probe, runs = '3'] = process.argv.slice(2);
const file = path.join(__dirname, `${probe}.probe.ts`);
const root = path.resolve(__dirname, '../../../..');
for (let i = 1; i <= Number(runs); i += 1) {
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', file], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      ROCKETMQ_ENDPOINTS: process.env['ROCKETMQ_ENDPOINTS'] ?? '127.0.0.1:8081',
      SWC_NODE_PROJECT: path.join(root, 'libs/rocketmq/tsconfig.spec.json'),
    },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
