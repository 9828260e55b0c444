import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}

/** Parses the major version out of `java -version` output ("17.0.15", "1.8.0_392", "21"). */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

/** Parses "Apache Maven 3.8.7" into [3, 8]. */
export function mavenVersion(versionOutput: string): [number, number] | undefined {
  const withoutColours = versionOutput.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  const match = /Apache Maven (\d+)\.(\d+)/.exec(withoutColours);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export async function requireJava(): Promise<string> {
  let output: string;
  try {
    const { stdout, stderr } = await run('java', ['-version']);
    output = `${stderr}${stdout}`;
  } catch (error) {
    throw new PrerequisiteError(
      `Java 17+ is required to run RocketMQ, but \`java\` could not be run (${describe(error)}). ` +
        'Install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless) and put it on PATH.',
    );
  }
  const major = javaMajorVersion(output);
  if (major === undefined || major < 17) {
    throw new PrerequisiteError(`Java 17+ is required to run RocketMQ; found: ${output.split('\n')[0]}`);
  }
  return output.split('\n')[0] ?? '';
}

export async function requireMaven(): Promise<void> {
  let output: string;
  try {
    output = (await run('mvn', ['-v'])).stdout;
  } catch (error) {
    throw new PrerequisiteError(
      `Maven 3.8+ is required to fetch RocketMQ from Maven Central, but \`mvn\` could not be run (${describe(error)}). ` +
        'Install it (Debian: apt-get install maven) and put it on PATH.',
    );
  }
  const version = mavenVersion(output);
  if (!version || version[0] < 3 || (version[0] === 3 && version[1] < 8)) {
    throw new PrerequisiteError(`Maven 3.8+ is required; found: ${output.split('\n')[0]}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
