import { io } from 'socket.io-client';
import type { HandshakeAuth, SocketLike } from './types';

/**
 * Opens a Socket.IO connection as docs/protocol.md requires: WebSocket only, and no reconnection of its
 * own, because a resume needs a fresh `auth` (the current lastSeq) and may go to another URL.
 */
export function createSocketIoSocket(url: string, auth: HandshakeAuth): SocketLike {
  return io(url, { transports: ['websocket'], auth: { ...auth }, reconnection: false, forceNew: true });
}
