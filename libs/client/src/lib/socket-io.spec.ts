import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a real socket.io server as stand-in gateway, in a test only
import { Server, type Socket } from 'socket.io';
import { LiteSessionClient } from './lite-session-client';
import { MemoryStorage } from './session-store';
import type { ChatEvent } from './types';

/** A minimal gateway speaking docs/protocol.md, to run the client over a real socket.io-client socket. */
class StandInGateway {
  readonly handshakes: Array<{ auth: unknown; transport: string }> = [];
  readonly sends: unknown[] = [];
  private readonly http: HttpServer = createServer();
  private readonly io = new Server(this.http, { transports: ['websocket'] });
  private readonly sockets: Socket[] = [];
  private readonly waiting: Array<(socket: Socket) => void> = [];

  constructor() {
    this.io.on('connection', (socket) => {
      this.handshakes.push({ auth: socket.handshake.auth, transport: socket.conn.transport.name });
      socket.on('chat.send', (payload: unknown, ack: (answer: unknown) => void) => {
        this.sends.push(payload);
        ack({ ok: true, turnId: 'turn-1' });
      });
      socket.emit('session', { sessionId: 's1', resumeToken: 'tok', node: `node-${this.handshakes.length}` });
      this.sockets.push(socket);
      this.waiting.splice(0).forEach((resolve) => resolve(socket));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** The next connection (or the n-th, if it is already there). */
  connection(n: number): Promise<Socket> {
    const socket = this.sockets[n - 1];
    return socket ? Promise.resolve(socket) : new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.io.close(() => resolve()));
  }
}

function nextEvent(client: LiteSessionClient): Promise<ChatEvent> {
  return new Promise((resolve) => {
    const listener = (event: ChatEvent): void => {
      client.off('event', listener);
      resolve(event);
    };
    client.on('event', listener);
  });
}

describe('LiteSessionClient over socket.io-client', () => {
  let gateway: StandInGateway;
  let client: LiteSessionClient | undefined;

  beforeEach(() => {
    gateway = new StandInGateway();
  });

  afterEach(async () => {
    client?.close();
    await gateway.close();
  });

  it('connects over WebSocket, receives events, sends with an ack and resumes after a server disconnect', async () => {
    const url = await gateway.listen();
    client = new LiteSessionClient({
      urls: [url],
      storage: new MemoryStorage(),
      reconnect: { initialDelayMs: 10, maxDelayMs: 10 },
    });
    await expect(client.connect()).resolves.toMatchObject({ status: 'connected', node: 'node-1', url });
    expect(gateway.handshakes[0]).toEqual({ auth: {}, transport: 'websocket' });

    const first = await gateway.connection(1);
    const received = nextEvent(client);
    first.emit('chat.event', {
      sessionId: 's1',
      seq: 0,
      turnId: 'turn-0',
      type: 'user.message',
      text: 'hi',
      ts: 1,
    });
    await expect(received).resolves.toMatchObject({ seq: 0, text: 'hi' });

    await expect(client.send('hello')).resolves.toEqual({ turnId: 'turn-1' });
    expect(gateway.sends).toEqual([{ text: 'hello', clientMessageId: expect.any(String) }]);

    first.disconnect(true);
    await gateway.connection(2);
    expect(gateway.handshakes[1]).toEqual({
      auth: { sessionId: 's1', resumeToken: 'tok', lastSeq: 0 },
      transport: 'websocket',
    });
  });
});
