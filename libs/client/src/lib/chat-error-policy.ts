/** What the client does after a `chat.error` from the gateway (docs/protocol.md, "Errors"). */
export type ChatErrorAction = 'reconnect' | 'stop' | 'forget-and-stop';

// Codes after which reconnecting cannot help: the app decides what to do.
const FATAL_CODES: ReadonlySet<string> = new Set([
  'invalid_session',
  'session_expired',
  'session_moved',
  'invalid_handshake',
  'unauthorized',
]);
// The session itself is gone for this client: forget it, so that the next connect() starts a new one.
const SESSION_GONE: ReadonlySet<string> = new Set(['invalid_session', 'session_expired']);

/** An expired credential is fatal only when the client cannot fetch a fresh one. */
export function chatErrorAction(code: string, canRefreshCredential: boolean): ChatErrorAction {
  if (SESSION_GONE.has(code)) return 'forget-and-stop';
  if (FATAL_CODES.has(code) || (code === 'token_expired' && !canRefreshCredential)) return 'stop';
  return 'reconnect';
}
