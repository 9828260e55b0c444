// Secondary entry point: the AI SDK's ChatTransport over LiteSessionClient. Apps that use it have `ai`;
// the core client does not need it.
export { LiteSessionChatTransport } from './ai-sdk/lite-session-chat-transport';
