/**
 * `npm start`: the local LiteSession stack. For now that is the RocketMQ 5.5 cluster (NameServer, Broker,
 * cluster-mode Proxy) with its topics and groups; the gateway nodes and the LLM scheduler join it with
 * the next milestone. The servers run in the background until `npm run rocketmq -- stop`.
 */
import { loadToolConfig, namesrvAddress, proxyEndpoint, start } from '@litesession/rocketmq-tools';

async function main(): Promise<void> {
  const config = loadToolConfig();
  const info = await start(config);
  console.log(`
LiteSession local stack
  RocketMQ ${info.version}   gRPC endpoint (proxy): ${proxyEndpoint(config)}   NameServer: ${namesrvAddress(config)}
  started now: ${info.started.length > 0 ? info.started.join(', ') : 'nothing (already running)'}
  logs:        ${config.dir}/logs

  Only the broker runs so far: the gateway nodes and the LLM scheduler are not part of the stack yet.
  Status: npm run rocketmq -- status    Stop: npm run rocketmq -- stop
`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
