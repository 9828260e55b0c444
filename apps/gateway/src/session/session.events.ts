import { attemptOf, type ChatEventPayload } from '@litesession/chat-protocol';
import type { SessionEvent } from '@litesession/rocketmq';

/** What the gateway keeps on a socket once its handshake is accepted. */
export interface SessionSocketData {
  sessionId: string;
}

/** Longer names are not relayed: the log is written by schedulers, but clients show this verbatim. */
const MAX_MODEL_NAME_LENGTH = 200;

export function toChatEvent(event: SessionEvent): ChatEventPayload {
  const payload: ChatEventPayload = {
    sessionId: event.sessionId,
    seq: event.seq,
    turnId: event.turnId,
    type: event.type,
    ts: event.ts,
  };
  if (event.text !== undefined) payload.text = event.text;
  const attempt = attemptOf(event);
  if (attempt !== undefined) payload.attempt = attempt;
  const model = event.data?.['model'];
  if (typeof model === 'string' && model.length <= MAX_MODEL_NAME_LENGTH) payload.model = model;
  return payload;
}
