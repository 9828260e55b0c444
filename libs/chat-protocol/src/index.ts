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
