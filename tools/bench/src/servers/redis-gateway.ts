// Baseline (b)'s gateway: the baseline Socket.IO server reading its sessions from Redis Streams
// (redis-source.ts); the turns are written by redis-generator.ts.
import { baselineEnv, runUntilSignalled, startBaselineServer } from './baseline-server';
import { RedisSource } from './redis-source';

const env = baselineEnv();
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';

runUntilSignalled(async () => {
  const source = new RedisSource(redisUrl);
  await source.ready();
  return startBaselineServer({ ...env, source });
});
