import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { brokerStorePaths, namesrvAddress, type ToolConfig } from './config';
import { classpath, commonJvmFlags } from './jvm';
import { say } from './log';
import { groupCommand, groups, topicCommand, topics } from './resources';
import { brokerRoles } from './servers';

const run = promisify(execFile);

export class ProvisioningError extends Error {
  override name = 'ProvisioningError';
}

/** Runs one `mqadmin` sub-command in a short-lived JVM and returns its output without logback's start-up noise. */
export async function mqadmin(config: ToolConfig, version: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(
    'java',
    [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      ...commonJvmFlags(config, 'mqadmin'),
      '-Drmq.logback.configurationFile=rmq.tools.logback.xml',
      '-cp',
      classpath(config, version),
      'org.apache.rocketmq.tools.command.MQAdminStartup',
      ...args,
    ],
    { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
  );
  return `${stdout}${stderr}`
    .split('\n')
    .filter((line) => !line.includes('|-INFO') && !line.includes('|-WARN') && line.trim() !== '')
    .join('\n');
}

/**
 * mqadmin JVMs run at once while provisioning: each is mostly start-up time, so a few overlap well, but
 * not more than there are cores (on a busy 2-core machine 4 at once made mqadmin's own 3 s calls to the
 * NameServer time out).
 */
const PROVISIONING_CONCURRENCY = Math.max(1, Math.min(4, availableParallelism()));
/** Each mqadmin call is idempotent; one that failed (a timeout on a busy machine) is tried again after these delays. */
const PROVISIONING_RETRY_DELAYS_MS = [2_000, 5_000, 10_000];

/**
 * Every mqadmin call that brings topics and groups to the declared state (create or update): the topics
 * first (a lite group names its parent topic), then the groups.
 */
export function provisioningCommands(config: ToolConfig): string[][][] {
  const namesrv = namesrvAddress(config);
  return [
    topics(config).map((topic) => topicCommand(topic, namesrv, config.clusterName)),
    groups(config).map((group) => groupCommand(group, namesrv, config.clusterName)),
  ];
}

/**
 * Creates or updates the declared topics and groups on every broker of the cluster (`-c`). Idempotent;
 * skipped when every broker's store already holds exactly this declaration (a broker persists topics and
 * groups in its store, so one that restarts keeps them, and a new or wiped one has no marker).
 */
export async function provision(config: ToolConfig, version: string): Promise<void> {
  const stages = provisioningCommands(config);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ version, commands: stages.flat() }))
    .digest('hex');
  const markers = brokerRoles(config).map((role) => brokerStorePaths(config, role).provisionedMarker);
  if (markers.every((marker) => readMarker(marker) === fingerprint)) {
    say('topics and groups already provisioned');
    return;
  }
  for (const stage of stages) {
    await inParallel(stage, PROVISIONING_CONCURRENCY, (args) => provisionOne(config, version, args));
  }
  for (const marker of markers) {
    writeFileSync(marker, JSON.stringify({ fingerprint, at: new Date().toISOString() }));
  }
}

async function provisionOne(config: ToolConfig, version: string, args: string[]): Promise<void> {
  for (const delayMs of PROVISIONING_RETRY_DELAYS_MS) {
    try {
      return await provisionOnce(config, version, args);
    } catch (error) {
      say(`${(error as Error).message.split('\n')[0]}; trying again in ${delayMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  return provisionOnce(config, version, args);
}

async function provisionOnce(config: ToolConfig, version: string, args: string[]): Promise<void> {
  const output = await mqadmin(config, version, args).catch((error: unknown) => {
    throw new ProvisioningError(`mqadmin ${args.join(' ')} failed: ${(error as Error).message}`);
  });
  // With -c, mqadmin reports one line per broker it reached.
  if ((output.match(/success/gi) ?? []).length < config.brokers) {
    throw new ProvisioningError(
      `mqadmin ${args.join(' ')} did not report success on ${config.brokers} broker(s):\n${output}`,
    );
  }
  say(`provisioned: ${args[0]} ${args[args.indexOf(args[0] === 'updateTopic' ? '-t' : '-g') + 1]}`);
}

/** Runs `task` for every item, at most `limit` at a time; the first failure is thrown once all have settled. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

/** Broker names that `mqadmin clusterList` shows registered in `cluster`. */
export function registeredBrokers(clusterListOutput: string, cluster: string): Set<string> {
  const names = new Set<string>();
  for (const line of clusterListOutput.split('\n')) {
    const [clusterName, brokerName] = line.trim().split(/\s+/);
    if (clusterName === cluster && brokerName) names.add(brokerName);
  }
  return names;
}

function readMarker(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { fingerprint?: string }).fingerprint;
  } catch {
    return undefined;
  }
}
