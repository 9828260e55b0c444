import net from 'node:net';

/** A loopback port that was free a moment ago (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** True when this process could bind host:port right now. */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Fails with every taken port named by its owner, before anything is started. */
export async function requireFreePorts(host: string, wanted: ReadonlyArray<[port: number, owner: string]>) {
  const taken: string[] = [];
  for (const [port, owner] of wanted) {
    if (!(await canBind(host, port))) taken.push(`port ${port} (${owner}) is already in use on ${host}`);
  }
  if (taken.length > 0) {
    throw new Error(
      `${taken.join('\n')}\nStop what uses it, or choose other ports (STACK_PORT, STACK_GATEWAY_PORTS, STACK_SCHEDULER_PORT).`,
    );
  }
}
