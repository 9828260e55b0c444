import type { HandshakeAuth, SocketLike } from '@litesession/client';
import { io } from 'socket.io-client';

/** The code of an acknowledgement that refused a request (`{ ok: false, error: { code } }`), else undefined. */
export function refusalCode(answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { ok, error } = answer as { ok?: unknown; error?: unknown };
  if (ok === true || typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A `createSocket` for LiteSessionClient that also reports every refused acknowledgement. The client
 * retries an `unavailable` refusal by itself, so the app never sees one; the drill still wants to know
 * that the gateway said so. The socket is opened as the client's default one is (docs/protocol.md:
 * WebSocket only, no reconnection of its own).
 */
export function observedSocket(
  onRefusal: (code: string) => void,
): (url: string, auth: HandshakeAuth) => SocketLike {
  return (url, auth) => {
    const socket = io(url, {
      transports: ['websocket'],
      auth: { ...auth },
      reconnection: false,
      forceNew: true,
    });
    return {
      on: (event, listener) => socket.on(event, listener),
      emit: (event, payload, ack) =>
        socket.emit(event, payload, (answer: unknown) => {
          const code = refusalCode(answer);
          if (code !== undefined) onRefusal(code);
          ack(answer);
        }),
      disconnect: () => socket.disconnect(),
    };
  };
}
