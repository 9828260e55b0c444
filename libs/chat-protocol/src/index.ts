// The wire contract of LiteSession, shared by the gateway, the scheduler, the client SDK, the demo and the
// bench. Browser-safe: no Node built-ins, no frameworks.
export {
  type ChatRequest,
  type ChatSendRequest,
  type ChatCancelRequest,
  encodeChatRequest,
  decodeChatRequest,
  InvalidChatRequestError,
} from './lib/chat-request';
export { TurnEvent, type TurnEventType, endsTurn, CancelTurn } from './lib/turn-events';
export {
  CHAT_TOPIC,
  CHAT_REQUESTS_TOPIC,
  CHAT_CONTROL_TOPIC,
  CHAT_TRANSCRIPT_TOPIC,
  gatewayGroup,
  DEFAULT_GATEWAY_GROUPS,
  SCHEDULER_GROUP,
  SCHEDULER_HISTORY_GROUP,
  SCHEDULER_CONTROL_GROUP,
  SCHEDULER_TRANSCRIPT_GROUP,
  SCHEDULER_RETRIES,
  SCHEDULER_FINAL_ATTEMPT,
  SCHEDULER_RETRY_BACKOFF,
  TOPICS,
  topologyGroups,
  type TopicType,
  type TopicSettings,
  type GroupSettings,
} from './lib/topology';
export { TurnLedger, type TurnRecord, type LedgerEvent } from './lib/turn-ledger';
export { AttemptFence, attemptOf, type FencedEvent } from './lib/attempt-fence';
export {
  type HandshakeAuth,
  SESSION_ID_PATTERN,
  MAX_CREDENTIAL_LENGTH,
  MAX_RESUME_TOKEN_LENGTH,
  CLIENT_MESSAGE_ID_PATTERN,
  MAX_TURN_ID_LENGTH,
} from './lib/handshake';
export {
  ConnectionErrorCodes,
  type ConnectionErrorCode,
  type ChatErrorPayload,
  AckErrorCodes,
  type AckErrorCode,
  type ChatAck,
  type ChatAckRefusal,
  refused,
} from './lib/errors';
export type {
  SessionPayload,
  SessionRenewedPayload,
  ServerStatusPayload,
  ChatEventPayload,
  ServerToClientEvents,
} from './lib/server-events';
export { TurnChunker, type UiMessageChunk, type ChunkedEvent } from './lib/ui-message-chunks';
export { checkShape, isPlainObject, type ShapeLimits, type ShapeVerdict } from './lib/shape';
