export {
  CHAT_REQUESTS_TOPIC,
  type ChatRequest,
  type ChatSendRequest,
  type ChatCancelRequest,
  encodeChatRequest,
  decodeChatRequest,
  InvalidChatRequestError,
} from './lib/chat-request';
export { turnIdFor } from './lib/turn-id';
export { TurnEvent, type TurnEventType, endsTurn, CHAT_CONTROL_TOPIC, CancelTurn } from './lib/turn-events';
export { TurnLedger, type TurnRecord, type LedgerEvent } from './lib/turn-ledger';
