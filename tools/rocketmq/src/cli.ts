/**
 * Local Apache RocketMQ 5.5 cluster for LiteSession: NameServer, 1-4 Brokers and 1-2 cluster-mode Proxies on loopback.
 *
 *   npm run rocketmq -- start [--brokers N] [--proxies N] | stop | status | kill <server> | reset
 *                       | fetch [--refresh] | provision | mqadmin <args...>
 */
import { mqadmin, provision } from './admin';
import { ensureArtifacts } from './artifacts';
import { settingsFromFlags, UsageError } from './cli-options';
import { killServer, reset, start, status, stop } from './cluster';
import { loadToolConfig } from './config';
import { say } from './log';
import { ALL_ROLES, parseServerName } from './servers';

const USAGE = `usage: npm run rocketmq -- <command>

  start              fetch RocketMQ if needed, start NameServer, Broker and Proxy, provision topics/groups;
                     starts only what is not running (e.g. a killed broker), waiting until each is ready
    --brokers N      brokers broker-a, broker-b, ... (1-4; ROCKETMQ_BROKERS), ports 100 apart
    --proxies N      proxies (1-2; ROCKETMQ_PROXIES); the second one's ports are the first's + 100
    --gateway-groups N
                     lite groups gateway-0 … gateway-{N-1} (default 8; ROCKETMQ_GATEWAY_GROUPS): one per
                     gateway node running at once (its GATEWAY_GROUP_INDEX)
  stop               stop every server this tool started in the folder (by their recorded pids)
  status [--brokers N] [--proxies N]
                     show which servers run, their pids and the endpoint (exit 3 when not running)
  kill <server>      SIGKILL one server by its recorded pid, like a crash: namesrv, broker-a (or broker),
                     broker-b, broker-c, broker-d, proxy, proxy-2; "start" brings it back
  reset              stop and wipe the store and logs (the downloaded jars stay cached)
  fetch [--refresh]  resolve the newest complete 5.5.x release with Maven into the cache
  provision          create or update the topics and consumer groups (tools/rocketmq/src/resources.ts)
  mqadmin <args...>  run RocketMQ's admin CLI against the local cluster, e.g. mqadmin clusterList -n 127.0.0.1:9876

settings (environment): ROCKETMQ_VERSION, ROCKETMQ_DIR, ROCKETMQ_NAMESRV_PORT, ROCKETMQ_BROKER_PORT,
  ROCKETMQ_PROXY_PORT, ROCKETMQ_PROXY_REMOTING_PORT, ROCKETMQ_BROKERS, ROCKETMQ_PROXIES,
  ROCKETMQ_GATEWAY_GROUPS, ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const takesFlags = command === 'start' || command === 'status';
  const config = loadToolConfig(takesFlags ? settingsFromFlags(rest, process.env) : process.env);
  switch (command) {
    case 'start': {
      const info = await start(config);
      console.log(`RocketMQ ${info.version} is ready. gRPC endpoint (proxy): ${info.endpoint}`);
      console.log(`Logs: ${config.dir}/logs  Stop: npm run rocketmq -- stop`);
      return 0;
    }
    case 'stop':
      await stop(config);
      return 0;
    case 'status': {
      const { version, roles } = await status(config);
      for (const r of roles) {
        const state = r.pid === undefined ? 'stopped' : r.listening ? 'running' : 'starting/unresponsive';
        console.log(`${r.role.padEnd(8)} ${state.padEnd(22)} ${r.pid === undefined ? '' : `pid ${r.pid}`}`);
      }
      console.log(`version  ${version ?? '(not fetched yet)'}`);
      return roles.every((r) => r.pid !== undefined && r.listening) ? 0 : 3;
    }
    case 'kill': {
      const role = parseServerName(rest[0] ?? '');
      if (role === undefined || rest.length !== 1) {
        throw new UsageError(`kill needs one server: ${[...ALL_ROLES, 'broker-a'].join(', ')}`);
      }
      await killServer(config, role);
      return 0;
    }
    case 'reset':
      await reset(config);
      return 0;
    case 'fetch': {
      const version = await ensureArtifacts(config, { refresh: rest.includes('--refresh') });
      console.log(`RocketMQ ${version} is cached in ${config.dir}/dist/${version}`);
      return 0;
    }
    case 'provision':
      await provision(config, await ensureArtifacts(config));
      return 0;
    case 'mqadmin':
      console.log(await mqadmin(config, await ensureArtifacts(config), rest));
      return 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
