/**
 * The dev balancer of `npm start`: one loopback port in front of every gateway node, round-robin per HTTP
 * request and per WebSocket upgrade. Socket.IO runs websocket-only here, so a connection is one upgrade
 * and needs no sticky sessions. A backend that is down is reported to the client as a 502 that names it
 * (no fail-over: a dead node should be visible in development).
 *
 * Proxying is http-proxy-3: a maintained TypeScript rewrite of http-proxy (whose last release was 2020),
 * with the same API and its own types. We pin 1.x because 2.x requires Node 22 and the workspace supports 20.19.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';

export interface DevBalancerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Backend base URLs, e.g. `http://127.0.0.1:3001`; used in this order, round-robin. */
  backends: readonly string[];
}

export interface DevBalancer {
  /** `http://host:port` the balancer listens on. */
  readonly url: string;
  /** Stops listening and drops open connections, upgraded WebSockets included. */
  close(): Promise<void>;
}

export async function startDevBalancer(options: DevBalancerOptions): Promise<DevBalancer> {
  const { backends } = options;
  if (backends.length === 0) throw new Error('the dev balancer needs at least one backend');
  let next = 0;
  const pick = (): string => backends[next++ % backends.length] as string;
  const proxy = createProxyServer({ xfwd: true });
  const upgraded = new Set<Duplex>();
  const answered = new WeakSet<Duplex>(); // client sockets that got the backend's 101 (or another response)
  // Errors no per-request callback gets, such as a client resetting its upgraded socket: http-proxy-3
  // rethrows them when nobody listens, which would take the whole stack down.
  proxy.on('error', (_error, _req, res) => res.destroy());
  proxy.on('proxyReqWs', (proxyReq, _req, socket) => {
    proxyReq.once('upgrade', () => answered.add(socket));
    proxyReq.once('response', () => answered.add(socket));
  });

  const server = http.createServer((req, res) => {
    const target = pick();
    proxy.web(req, res, { target }, (error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(badGateway(target, error));
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const target = pick();
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    proxy.ws(req, socket, head, { target }, (error) => {
      // Once the backend answered, the client is speaking WebSocket: an HTTP status would corrupt it.
      if (answered.has(socket) || !socket.writable) return;
      const body = badGateway(target, error);
      socket.write(
        `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
  });

  await listen(server, options.port, options.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      await closed;
    },
  };
}

function badGateway(target: string, error: Error): string {
  const code = (error as NodeJS.ErrnoException).code ?? error.message;
  return `dev balancer: backend ${target} is unavailable (${code})\n`;
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `dev balancer: port ${port} on ${host} is already in use (set STACK_PORT to use another)`,
            )
          : error,
      );
    });
    server.listen(port, host, () => resolve());
  });
}
