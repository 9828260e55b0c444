import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ToolConfig, toolPaths } from './config';
import { elapsed, say } from './log';
import { requireMaven } from './prerequisites';

const SERVER_ARTIFACTS = ['rocketmq-namesrv', 'rocketmq-broker', 'rocketmq-proxy', 'rocketmq-tools'] as const;
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';
const RELEASE_LINE = { lowest: '5.5.0', nextLine: '5.6.0' };

export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/**
 * Returns a RocketMQ version whose jars are in the local cache, resolving it with Maven first if needed.
 * Re-uses the cache without touching the network unless `refresh` is set.
 */
export async function ensureArtifacts(
  config: ToolConfig,
  options: { refresh?: boolean } = {},
): Promise<string> {
  const paths = toolPaths(config);
  const cached = config.pinnedVersion ?? readCurrentVersion(config);
  if (cached && !options.refresh && existsSync(paths.completeMarker(cached))) {
    return cached;
  }
  await requireMaven();
  const version = config.pinnedVersion ?? (await newestCompleteVersion(config));
  if (!existsSync(paths.completeMarker(version)) || options.refresh) {
    await copyRuntime(config, version);
  }
  writeFileSync(paths.currentVersionFile, `${version}\n`);
  return version;
}

export function readCurrentVersion(config: ToolConfig): string | undefined {
  try {
    return readFileSync(toolPaths(config).currentVersionFile, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The newest 5.5.x for which every server artifact is published. Maven is asked for each artifact's newest
 * version in the range; a release is usable only when all four have it (5.5.1, for one, was published for
 * the broker but not for the proxy, namesrv or tools).
 */
async function newestCompleteVersion(config: ToolConfig): Promise<string> {
  let upper = RELEASE_LINE.nextLine;
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const range = `[${RELEASE_LINE.lowest},${upper})`;
    const newest = await newestPerArtifact(config, range);
    const candidate = [...newest.values()].sort(compareVersions)[0];
    if (!candidate) break;
    const ahead = [...newest].filter(([, v]) => compareVersions(v, candidate) > 0);
    if (ahead.length > 0) {
      say(
        `newest per artifact: ${[...newest].map(([a, v]) => `${a} ${v}`).join(', ')}; ` +
          `${ahead.map(([, v]) => v).join('/')} is only partly published, so using ${candidate}`,
      );
    }
    if (await resolves(config, candidate)) {
      return candidate;
    }
    say(`${candidate} does not resolve completely; trying an older 5.5.x`);
    upper = candidate;
  }
  throw new ArtifactError(
    `no complete RocketMQ 5.5.x release could be resolved with Maven (see the output above)`,
  );
}

async function newestPerArtifact(config: ToolConfig, range: string): Promise<Map<string, string>> {
  const outputFile = path.join(config.dir, 'dist', 'versions.txt');
  mkdirSync(path.dirname(outputFile), { recursive: true });
  const pom = path.join(config.confDir, 'pom-versions.xml');
  await maven(
    ['-f', pom, `${DEPENDENCY_PLUGIN}:list`, `-Drocketmq.range=${range}`, `-DoutputFile=${outputFile}`],
    {
      what: `asking Maven for the newest RocketMQ in ${range}`,
    },
  );
  return parseDependencyList(readFileSync(outputFile, 'utf8'));
}

/** Parses `dependency:list` output lines such as `org.apache.rocketmq:rocketmq-broker:jar:5.5.1:compile`. */
export function parseDependencyList(text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const match of text.matchAll(/org\.apache\.rocketmq:(rocketmq-[a-z-]+):jar:([0-9][^:\s]*):/g)) {
    const [, artifact, version] = match;
    if (artifact && version && (SERVER_ARTIFACTS as readonly string[]).includes(artifact)) {
      result.set(artifact, version);
    }
  }
  return result;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

async function resolves(config: ToolConfig, version: string): Promise<boolean> {
  try {
    await copyRuntime(config, version);
    return true;
  } catch (error) {
    if (error instanceof ArtifactError && /could not be resolved|Could not resolve/i.test(error.message)) {
      return false;
    }
    throw error;
  }
}

/** Copies the runtime classpath of the four server artifacts into the cache; shows progress while Maven downloads. */
async function copyRuntime(config: ToolConfig, version: string): Promise<void> {
  const paths = toolPaths(config);
  const lib = paths.libDir(version);
  rmSync(path.dirname(lib), { recursive: true, force: true });
  mkdirSync(lib, { recursive: true });
  const started = Date.now();
  await maven(
    [
      '-f',
      path.join(config.confDir, 'pom.xml'),
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      `-Drocketmq.version=${version}`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${lib}`,
    ],
    { what: `fetching RocketMQ ${version} (namesrv, broker, proxy, tools) from Maven Central`, lib },
  );
  const jars = readdirSync(lib).filter((f) => f.endsWith('.jar'));
  writeFileSync(paths.completeMarker(version), `${jars.length} jars\n`);
  say(`RocketMQ ${version}: ${jars.length} jars in ${lib} (${elapsed(started)})`);
}

/** Runs Maven in batch mode; prints a progress line every few seconds; rejects with Maven's own error lines. */
function maven(args: string[], progress: { what: string; lib?: string }): Promise<void> {
  say(`${progress.what} ...`);
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', ['-B', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let downloaded = 0;
    const append = (chunk: Buffer) => {
      const text = chunk.toString();
      downloaded += text.match(/Downloaded from /g)?.length ?? 0;
      output = (output + text).slice(-20000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const started = Date.now();
    const ticker = setInterval(() => {
      const copied = progress.lib && existsSync(progress.lib) ? readdirSync(progress.lib).length : 0;
      say(`  ... ${downloaded} files downloaded, ${copied} jars copied, ${elapsed(started)}`);
    }, 5000);
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(new ArtifactError(`could not run mvn: ${error.message}`));
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) return resolve();
      const errors = output
        .split('\n')
        .filter((line) => line.includes('[ERROR]'))
        .slice(0, 8)
        .join('\n');
      reject(
        new ArtifactError(
          `Maven failed (exit ${code}) while ${progress.what}:\n${errors || output.slice(-2000)}`,
        ),
      );
    });
  });
}
