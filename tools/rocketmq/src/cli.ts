/**
 * Local Apache RocketMQ 5.5 cluster for LiteSession: NameServer + Broker + cluster-mode Proxy on loopback.
 *
 *   npm run rocketmq -- start | stop | status | reset | fetch [--refresh] | provision | mqadmin <args...>
 */
import { mqadmin, provision } from './admin';
import { ensureArtifacts } from './artifacts';
import { reset, start, status, stop } from './cluster';
import { loadToolConfig } from './config';
import { say } from './log';

const USAGE = `usage: npm run rocketmq -- <command>

  start              fetch RocketMQ if needed, start NameServer, Broker and Proxy, provision topics/groups
  stop               stop the servers this tool started (by their recorded pids)
  status             show which servers run, their pids and the endpoint (exit 3 when not running)
  reset              stop and wipe the store and logs (the downloaded jars stay cached)
  fetch [--refresh]  resolve the newest complete 5.5.x release with Maven into the cache
  provision          create or update the topics and consumer groups (tools/rocketmq/src/resources.ts)
  mqadmin <args...>  run RocketMQ's admin CLI against the local cluster, e.g. mqadmin clusterList -n 127.0.0.1:9876

settings (environment): ROCKETMQ_VERSION, ROCKETMQ_DIR, ROCKETMQ_NAMESRV_PORT, ROCKETMQ_BROKER_PORT,
  ROCKETMQ_PROXY_PORT, ROCKETMQ_PROXY_REMOTING_PORT, ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadToolConfig();
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
    process.exit(1);
  },
);
