import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { ServerOptions } from 'socket.io';
import { MAX_CREDENTIAL_LENGTH } from '@litesession/chat-protocol';

/**
 * The largest frame the protocol needs: a `chat.send` of `maxTextChars` characters, each at most 6 bytes
 * once JSON-escaped (`\uXXXX`), plus the envelope; and a handshake with the longest credential.
 * Anything larger is cut off by engine.io before it is buffered or parsed.
 */
export function maxFrameBytes(maxTextChars: number): number {
  return Math.max(6 * maxTextChars, MAX_CREDENTIAL_LENGTH + 1024) + 1024;
}

/**
 * Server-wide Socket.IO options, in one place (not per gateway decorator): WebSocket only (long-polling
 * would need sticky sessions), a frame size the protocol needs and no more, and a short deadline for the
 * handshake packet.
 */
export class SessionIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly maxTextChars: number,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): unknown {
    return super.createIOServer(port, {
      ...options,
      transports: ['websocket'],
      allowEIO3: false,
      serveClient: false,
      maxHttpBufferSize: maxFrameBytes(this.maxTextChars),
      // A client that opens a WebSocket but never sends its CONNECT packet is dropped after this long.
      connectTimeout: 10_000,
    });
  }
}
