/** Acknowledgement of a client → server event (docs/protocol.md). */
export type ChatAckRefusal = { ok: false; error: { code: ChatAckErrorCode; message: string } };
export type ChatAck<T extends object = object> = ({ ok: true } & T) | ChatAckRefusal;

export type ChatAckErrorCode =
  'invalid_payload' | 'turn_in_progress' | 'rate_limited' | 'unavailable' | 'unknown_turn';

export const refused = (code: ChatAckErrorCode, message: string): ChatAckRefusal => ({
  ok: false,
  error: { code, message },
});
