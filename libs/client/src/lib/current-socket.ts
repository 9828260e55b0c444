import type { SocketLike } from './types';

/**
 * The one socket the client listens to. It is live once the gateway sent its `session` event; a socket
 * that was dropped may still emit, and is no longer heard.
 */
export class CurrentSocket {
  private socket: SocketLike | undefined;
  private liveSince: number | undefined;

  /** The socket, once live (requests go out only then). */
  get live(): SocketLike | undefined {
    return this.liveSince === undefined ? undefined : this.socket;
  }

  get isLive(): boolean {
    return this.liveSince !== undefined;
  }

  is(socket: SocketLike): boolean {
    return socket === this.socket;
  }

  /** Makes `socket` the current one, heard through `handlers` for as long as it stays current. */
  attach(socket: SocketLike, handlers: Record<string, (payload: unknown) => void>): void {
    this.socket = socket;
    this.liveSince = undefined;
    for (const [event, handler] of Object.entries(handlers)) {
      socket.on(event, (payload) => (this.socket === socket ? handler(payload) : undefined));
    }
  }

  markLive(): void {
    this.liveSince = Date.now();
  }

  /** Disconnects the current socket; returns how long it was live (0 if it never was). */
  drop(): number {
    const socket = this.socket;
    const lastedMs = this.liveSince === undefined ? 0 : Date.now() - this.liveSince;
    this.socket = undefined;
    this.liveSince = undefined;
    socket?.disconnect();
    return lastedMs;
  }
}
