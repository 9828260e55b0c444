import { LiteSessionError } from './errors';
import type { CredentialSource, HandshakeAuth, SocketLike } from './types';

export interface SocketOpenerHandlers {
  /** The handshake for a credential (the session's id, resume token and lastSeq are the client's). */
  handshake(token: string | undefined): HandshakeAuth;
  opened(socket: SocketLike, url: string): void;
  /** Opening failed (`credential_failed` or `disconnected`): the client reconnects, then reports it. */
  failed(error: LiteSessionError): void;
}

/**
 * Opens a socket.io connection with a credential: a fixed one, or a fresh one from the app's token
 * function for every attempt. Only the newest attempt may open a socket, so a slow credential fetch of an
 * abandoned attempt opens nothing.
 */
export class SocketOpener {
  private attempt = 0;

  constructor(
    private readonly openSocket: (url: string, auth: HandshakeAuth) => SocketLike,
    private readonly credential: CredentialSource | undefined,
    private readonly handlers: SocketOpenerHandlers,
  ) {}

  /** True when the token function can be asked again after `token_expired`. */
  get refreshesCredential(): boolean {
    return typeof this.credential === 'function';
  }

  open(url: string): void {
    const source = this.credential;
    const attempt = (this.attempt += 1);
    if (typeof source !== 'function') return this.openWith(url, source);
    Promise.resolve()
      .then(source)
      .then((token) => {
        if (attempt !== this.attempt) return;
        if (typeof token !== 'string') throw new TypeError('the token function returned no string');
        this.openWith(url, token);
      })
      .catch((error: unknown) => {
        if (attempt !== this.attempt) return;
        this.handlers.failed(
          new LiteSessionError('credential_failed', 'The token function failed', { cause: error }),
        );
      });
  }

  /** Abandons the attempt in flight (the client closed or moved on). */
  abandon(): void {
    this.attempt += 1;
  }

  private openWith(url: string, token: string | undefined): void {
    let socket: SocketLike;
    try {
      socket = this.openSocket(url, this.handlers.handshake(token));
    } catch (error) {
      return this.handlers.failed(
        new LiteSessionError('disconnected', `Could not open ${url}`, { cause: error }),
      );
    }
    this.handlers.opened(socket, url);
  }
}
