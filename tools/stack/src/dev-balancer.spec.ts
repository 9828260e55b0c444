import http from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { type DevBalancer, startDevBalancer } from './dev-balancer';

/** A loopback HTTP server on a free port that answers every request with its name. */
async function namedBackend(name: string): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A URL nothing listens on: a port that was free a moment ago. */
async function deadBackend(): Promise<string> {
  const { url, server } = await namedBackend('gone');
  await new Promise((resolve) => server.close(resolve));
  return url;
}

/** A raw WebSocket upgrade request to socket.io's endpoint: the upgraded socket, or the HTTP status it got. */
function upgrade(baseUrl: string): Promise<{ socket: NetSocket } | { status: number | undefined }> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: '/socket.io/?EIO=4&transport=websocket',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
      },
    });
    request.on('upgrade', (_response, socket) => resolve({ socket }));
    request.on('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode });
    });
    request.on('error', reject);
    request.end();
  });
}

const closeServer = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('dev balancer', () => {
  let balancer: DevBalancer | undefined;
  const servers: http.Server[] = [];
  const clients: Socket[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await balancer?.close();
    balancer = undefined;
    await Promise.all(servers.splice(0).map(closeServer));
  });

  it('sends HTTP requests to the backends in turn', async () => {
    const [a, b] = await Promise.all([namedBackend('a'), namedBackend('b')]);
    servers.push(a.server, b.server);
    balancer = await startDevBalancer({ host: '127.0.0.1', port: 0, backends: [a.url, b.url] });

    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) bodies.push(await (await fetch(`${balancer.url}/health/ready`)).text());

    expect(bodies).toEqual(['a', 'b', 'a', 'b']);
  });

  it('proxies WebSocket upgrades round-robin, both directions', async () => {
    const backends = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const backend = await namedBackend(name);
        const ioServer = new Server(backend.server, { transports: ['websocket'] });
        ioServer.on('connection', (socket) => {
          socket.emit('hello', name);
          socket.on('echo', (text: string, ack: (reply: string) => void) => ack(`${name}:${text}`));
        });
        servers.push(backend.server);
        return backend.url;
      }),
    );
    balancer = await startDevBalancer({ host: '127.0.0.1', port: 0, backends });

    const greetings: string[] = [];
    const echoes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const client = io(balancer.url, { transports: ['websocket'], reconnection: false, forceNew: true });
      clients.push(client);
      greetings.push(await new Promise<string>((resolve) => client.once('hello', resolve)));
      echoes.push(await client.timeout(5000).emitWithAck('echo', `ping${i}`));
      expect(client.io.engine.transport.name).toBe('websocket');
    }

    expect(greetings).toEqual(['a', 'b']);
    expect(echoes).toEqual(['a:ping0', 'b:ping1']);
  });

  it('survives a client that resets its WebSocket', async () => {
    const backend = await namedBackend('a');
    const ioServer = new Server(backend.server, { transports: ['websocket'] });
    servers.push(backend.server);
    balancer = await startDevBalancer({ host: '127.0.0.1', port: 0, backends: [backend.url] });
    const engineClosed = new Promise<string>((resolve) =>
      ioServer.engine.once(
        'connection',
        (socket: { once(event: 'close', cb: (reason: string) => void): void }) =>
          socket.once('close', resolve),
      ),
    );
    const upgraded = await upgrade(balancer.url);
    if (!('socket' in upgraded)) throw new Error(`not upgraded: ${upgraded.status}`);

    // A client process that dies mid-connection: a TCP reset instead of a WebSocket close.
    upgraded.socket.resetAndDestroy();
    await engineClosed;

    expect(await (await fetch(balancer.url)).text()).toBe('a');
  });

  it('answers 502 naming the backend when it is down', async () => {
    const live = await namedBackend('live');
    servers.push(live.server);
    const dead = await deadBackend();
    balancer = await startDevBalancer({ host: '127.0.0.1', port: 0, backends: [dead, live.url] });

    const down = await fetch(balancer.url);
    const up = await fetch(balancer.url);

    expect(down.status).toBe(502);
    expect(await down.text()).toBe(`dev balancer: backend ${dead} is unavailable (ECONNREFUSED)\n`);
    expect(await up.text()).toBe('live');
  });

  it('refuses a WebSocket upgrade with 502 when the backend is down', async () => {
    const dead = await deadBackend();
    balancer = await startDevBalancer({ host: '127.0.0.1', port: 0, backends: [dead] });

    expect(await upgrade(balancer.url)).toEqual({ status: 502 });
  });

  it('says which port is taken', async () => {
    const taken = await namedBackend('taken');
    servers.push(taken.server);
    const { port } = new URL(taken.url);

    await expect(
      startDevBalancer({ host: '127.0.0.1', port: Number(port), backends: [taken.url] }),
    ).rejects.toThrow(`dev balancer: port ${port} on 127.0.0.1 is already in use`);
  });
});
