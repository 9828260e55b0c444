import { freePort } from '@litesession/stack-tools';
import type { BenchPath, PathOptions, RunningPath } from './bench-path';
import { HOST, killNode, pidOf, spawnNode } from './spawn-node';

const BENCH_TSCONFIG = 'tools/bench/tsconfig.json';

/** Baseline (a): Socket.IO servers with the simulated model inside (servers/direct-server.ts). */
export const directPath: BenchPath = {
  name: 'direct',
  async start(options: PathOptions): Promise<RunningPath> {
    const gateways = await Promise.all(
      Array.from({ length: options.gateways }, async (_, i) => {
        const port = await freePort(HOST);
        const child = await spawnNode({
          name: `direct-${i + 1}`,
          entry: 'tools/bench/src/servers/direct-server.ts',
          tsconfig: BENCH_TSCONFIG,
          port,
          env: {
            NODE_ID: `direct-${i + 1}`,
            BENCH_TOKENS_PER_SECOND: String(options.tokensPerSecond),
            BENCH_REPLY_TOKENS: String(options.replyTokens),
          },
        });
        return { child, url: `http://${HOST}:${port}` };
      }),
    );
    return {
      name: 'direct',
      gatewayUrls: gateways.map((g) => g.url),
      gatewayPid: (index) => pidOf(gateways[index]!.child),
      infraProcesses: () => [],
      killGateway: (index) => killNode(gateways[index]!.child),
      stop: async () => {
        await Promise.all(gateways.map((g) => g.child.stop()));
      },
    };
  },
};
