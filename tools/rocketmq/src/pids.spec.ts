import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClusterError, killServer } from './cluster';
import { loadToolConfig } from './config';
import { isAlive, isOurServer, runningPid } from './pids';

const MARKED = (role: string, dir: string) =>
  `java -Xmx1g -Dlitesession.rocketmq.role=${role} -Dlitesession.rocketmq.dir=${dir} -cp x Main`;

describe('isOurServer', () => {
  it("accepts a command line with this folder's marker for the role", () => {
    expect(isOurServer(MARKED('broker', '/r/.rocketmq'), { dir: '/r/.rocketmq' }, 'broker')).toBe(true);
  });

  it('compares whole arguments: broker is not broker-b, and .rocketmq is not .rocketmq-bench', () => {
    expect(isOurServer(MARKED('broker-b', '/r/.rocketmq'), { dir: '/r/.rocketmq' }, 'broker')).toBe(false);
    expect(isOurServer(MARKED('broker', '/r/.rocketmq-bench'), { dir: '/r/.rocketmq' }, 'broker')).toBe(
      false,
    );
  });

  it('accepts the marker as the last argument', () => {
    expect(
      isOurServer(
        'java -Dlitesession.rocketmq.dir=/d -Dlitesession.rocketmq.role=proxy-2',
        { dir: '/d' },
        'proxy-2',
      ),
    ).toBe(true);
  });
});

describe('killServer', () => {
  let dir: string;
  const children: number[] = [];

  /** A stand-in server: a sleeping node process whose arguments carry (or not) the marker. */
  function fakeServer(role: string, marked = true): number {
    const markers = marked
      ? [`-Dlitesession.rocketmq.role=${role}`, `-Dlitesession.rocketmq.dir=${dir}`]
      : [];
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', ...markers], {
      stdio: 'ignore',
    });
    const pid = child.pid as number;
    children.push(pid);
    mkdirSync(path.join(dir, 'run'), { recursive: true });
    writeFileSync(path.join(dir, 'run', `${role}.pid`), `${pid}\n`);
    return pid;
  }

  const gone = async (pid: number) => {
    for (let i = 0; i < 100 && isAlive(pid); i += 1) await new Promise((r) => setTimeout(r, 20));
    return !isAlive(pid);
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rmq-kill-'));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    for (const pid of children.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILLs the recorded pid of the server, and only that one', async () => {
    const config = loadToolConfig({ ROCKETMQ_DIR: dir });
    const broker = fakeServer('broker');
    const brokerB = fakeServer('broker-b');

    await expect(killServer(config, 'broker-a')).resolves.toBe(broker);

    expect(await gone(broker)).toBe(true);
    expect(existsSync(path.join(dir, 'run', 'broker.pid'))).toBe(false);
    expect(runningPid(config, 'broker-b')).toBe(brokerB);
  });

  it('refuses a pid whose command line does not carry the marker', async () => {
    const config = loadToolConfig({ ROCKETMQ_DIR: dir });
    const stranger = fakeServer('proxy', false);

    await expect(killServer(config, 'proxy')).rejects.toThrow(
      new ClusterError(`proxy is not running (no live pid of ours in ${dir}/run/proxy.pid)`),
    );
    expect(isAlive(stranger)).toBe(true);
  });

  it('refuses a server that was never started, and names the ones it knows', async () => {
    const config = loadToolConfig({ ROCKETMQ_DIR: dir });

    await expect(killServer(config, 'namesrv')).rejects.toThrow(/namesrv is not running/);
    await expect(killServer(config, 'broker-z' as 'broker')).rejects.toThrow(
      'unknown server "broker-z"; one of: namesrv, broker, broker-b, broker-c, broker-d, proxy, proxy-2, broker-a',
    );
  });
});
