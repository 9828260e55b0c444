import { isRunning, killServer, start, type ToolConfig } from '@litesession/rocketmq-tools';
import { type BrokerSideFault, serversOf } from './fault-classes';
import { type Outage, randomPauseMs, runOutage } from './outage';

/**
 * One broker-side fault: SIGKILL of the class's servers, together, by their recorded pids; a pause of 1-5
 * s; then `start(config)`, which brings back what is missing and returns once it is ready (after a
 * NameServer restart, once the brokers have registered with it again).
 */
export function injectBrokerFault(config: ToolConfig, faultClass: BrokerSideFault): Promise<Outage> {
  const servers = serversOf(faultClass);
  return runOutage({
    servers,
    kill: async () => {
      // Both at once; wait for every kill before the restart may start, even when one failed.
      const kills = await Promise.allSettled(servers.map((server) => killServer(config, server)));
      const failed = kills.find((kill): kill is PromiseRejectedResult => kill.status === 'rejected');
      if (failed) throw failed.reason;
    },
    pauseMs: randomPauseMs(),
    restart: async () => {
      await start(config);
    },
  });
}

/**
 * Brings back whatever of the cluster is not running and checks that every server is up: the drill
 * runs on the cluster of the rest of `npm test`, and must not leave a server killed, whatever failed.
 */
export async function restoreCluster(config: ToolConfig): Promise<void> {
  await start(config);
  if (!(await isRunning(config))) throw new Error('the RocketMQ cluster is not fully running after start()');
}
