/**
 * Event types of a session's log (docs/protocol.md). The scheduler writes them; gateways relay them and
 * read them to know whether a turn is running.
 */
export const TurnEvent = {
  /** The user's text; opens the turn. */
  UserMessage: 'user.message',
  TurnStarted: 'turn.started',
  /** One or more tokens of the reply. */
  Token: 'token',
  /** The whole reply of the turn in `text`. */
  TurnCompleted: 'turn.completed',
  TurnFailed: 'turn.failed',
  TurnCancelled: 'turn.cancelled',
  /** The model's output for the turn starts over from here (another scheduler took the turn over). */
  TurnRestarted: 'turn.restarted',
} as const;

export type TurnEventType = (typeof TurnEvent)[keyof typeof TurnEvent];

const ENDINGS: ReadonlySet<string> = new Set([
  TurnEvent.TurnCompleted,
  TurnEvent.TurnFailed,
  TurnEvent.TurnCancelled,
]);

/** True for the events that end a turn. */
export function endsTurn(type: string): boolean {
  return ENDINGS.has(type);
}

/** The event a gateway writes on a session's control channel (CHAT_CONTROL_TOPIC) to cancel a turn. */
export const CancelTurn = 'turn.cancel';
