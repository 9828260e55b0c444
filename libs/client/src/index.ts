export { LiteSessionClient, STABLE_CONNECTION_MS } from './lib/lite-session-client';
export { LiteSessionError, type LiteSessionErrorCode } from './lib/errors';
export { MemoryStorage } from './lib/session-store';
export type {
  ChatEvent,
  TurnView,
  ConnectionState,
  KeyValueStorage,
  SocketLike,
  AckCallback,
  HandshakeAuth,
  LiteSessionClientOptions,
  LiteSessionClientEvents,
} from './lib/types';
