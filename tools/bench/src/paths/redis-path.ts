import { freePort, type NodeProcess } from '@litesession/stack-tools';
import type { BenchPath, PathOptions, RunningPath } from './bench-path';
import {
  findRedisServer,
  type RedisServerProcess,
  redisServerVersion,
  startRedisServer,
} from './redis-server-process';
import { HOST, killNode, pidOf, spawnNode } from './spawn-node';

const BENCH_TSCONFIG = 'tools/bench/tsconfig.json';

/**
 * Baseline (b), Redis Streams (docs performance.md §9.1, B1): a private redis-server, one generator
 * process writing the turns to per-session streams (servers/redis-generator.ts), and Socket.IO gateways
 * reading their sessions with one batched XREAD each (servers/redis-gateway.ts). The generator has no
 * turn slots: `maxSessions` needs no setting here.
 */
export const redisPath: BenchPath = {
  name: 'redis',
  async start(options: PathOptions): Promise<RunningPath> {
    const started: NodeProcess[] = [];
    const redis = await startRedisServer();
    try {
      const env = {
        REDIS_URL: redis.url,
        BENCH_TOKENS_PER_SECOND: String(options.tokensPerSecond),
        BENCH_REPLY_TOKENS: String(options.replyTokens),
      };
      const generator = await spawnNode({
        name: 'redis-generator',
        entry: 'tools/bench/src/servers/redis-generator.ts',
        tsconfig: BENCH_TSCONFIG,
        port: await freePort(HOST),
        env,
      });
      started.push(generator);
      // Settled, not all: when one fails, the others are still started and must be stopped too.
      const settled = await Promise.allSettled(
        Array.from({ length: options.gateways }, async (_, i) => {
          const port = await freePort(HOST);
          const child = await spawnNode({
            name: `redis-${i + 1}`,
            entry: 'tools/bench/src/servers/redis-gateway.ts',
            tsconfig: BENCH_TSCONFIG,
            port,
            env: { ...env, NODE_ID: `redis-${i + 1}` },
          });
          started.push(child);
          return { child, url: `http://${HOST}:${port}` };
        }),
      );
      const failed = settled.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      const gateways = settled.map((result) => (result as PromiseFulfilledResult<Gateway>).value);
      const gateway = (index: number) => {
        const found = gateways[index];
        if (!found) throw new RangeError(`no gateway ${index}: the path runs ${gateways.length}`);
        return found.child;
      };
      return {
        name: 'redis',
        gatewayUrls: gateways.map((g) => g.url),
        gatewayPid: (index) => pidOf(gateway(index)),
        infraProcesses: () => [
          { name: 'redis-server', pid: redis.pid },
          { name: 'generator', pid: pidOf(generator) },
        ],
        killGateway: (index) => killNode(gateway(index)),
        stop: async () => {
          await Promise.all(gateways.map((g) => g.child.stop()));
          await stopInOrder([generator], redis);
        },
      };
    } catch (error) {
      // A gateway failed to start: stop what did start, gateways before the generator before Redis.
      await stopInOrder(started.reverse(), redis);
      throw error;
    }
  },
};

interface Gateway {
  child: NodeProcess;
  url: string;
}

async function stopInOrder(children: NodeProcess[], redis: RedisServerProcess): Promise<void> {
  for (const child of children) await child.stop();
  await redis.stop();
}

/**
 * The version of the redis-server this path runs (e.g. `7.0.15`), for the results' `versions`; undefined
 * when none is installed yet (the path installs it at its first start, if it can).
 */
export async function redisVersion(): Promise<string | undefined> {
  const binary = findRedisServer();
  return binary ? redisServerVersion(binary) : undefined;
}
