import WebSocket from 'ws';

/**
 * A bare engine.io v4 / socket.io v5 connection over `ws`, for sending frames no well-behaved client would:
 * the fuzz suite's raw-frame cases. It answers the server's pings and records what the server sends.
 */
export class RawSocket {
  readonly received: string[] = [];
  closed = false;
  private readonly waiters: Array<{ test: (frame: string) => boolean; resolve: (frame: string) => void }> =
    [];
  private readonly closedWaiters: Array<() => void> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
      if (frame === '2') return ws.send('3'); // engine.io ping → pong
      this.received.push(frame);
      for (const waiter of [...this.waiters]) {
        if (!waiter.test(frame)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    });
    ws.on('close', () => this.markClosed());
    ws.on('error', () => this.markClosed());
  }

  /** Opens the WebSocket and waits for engine.io's open packet; rejects if the server refuses it. */
  static open(baseUrl: string, timeoutMs: number): Promise<RawSocket> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
      const socket = new RawSocket(ws);
      const timer = setTimeout(
        () => (ws.terminate(), reject(new Error('no engine.io open packet'))),
        timeoutMs,
      );
      socket
        .next((frame) => frame.startsWith('0'), timeoutMs)
        .then(
          () => (clearTimeout(timer), resolve(socket)),
          (error: unknown) => (clearTimeout(timer), reject(error)),
        );
    });
  }

  send(frame: string | Buffer): void {
    if (!this.closed) this.ws.send(frame);
  }

  /** The next frame matching `test`, or a rejection after `timeoutMs` or when the connection closes. */
  next(test: (frame: string) => boolean, timeoutMs: number): Promise<string> {
    const already = this.received.find(test);
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new ClosedError());
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error('timeout'));
      }, timeoutMs);
      const waiter = {
        test,
        resolve: (frame: string) => (clearTimeout(timer), resolve(frame)),
      };
      this.waiters.push(waiter);
      this.closedWaiters.push(() => (clearTimeout(timer), reject(new ClosedError())));
    });
  }

  /** Resolves when the server has closed the connection, or false after `timeoutMs`. */
  waitClosed(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.closedWaiters.push(() => (clearTimeout(timer), resolve(true)));
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.closedWaiters.splice(0).forEach((notify) => notify());
  }
}

export class ClosedError extends Error {
  override name = 'ClosedError';
  constructor() {
    super('the server closed the connection');
  }
}
