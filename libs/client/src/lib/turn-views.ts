import { AttemptFence } from '@litesession/chat-protocol';
import type { ChatEvent, TurnView } from './types';

type Apply = (turn: TurnView, event: ChatEvent) => void;

// How each event type changes its turn (docs/protocol.md). Types not listed are ignored.
const APPLY: Readonly<Record<string, Apply>> = {
  'user.message': () => undefined, // opens the turn (below); a repeat of the same turnId changes nothing
  'turn.started': (turn, event) => {
    turn.status = 'streaming';
    turn.text = '';
    if (event.model !== undefined) turn.model = event.model;
  },
  token: (turn, event) => {
    turn.status = 'streaming';
    turn.text += event.text ?? '';
  },
  'turn.restarted': (turn, event) => {
    // The model's output starts over; an ending seen before it no longer counts (it is written again).
    if (event.model !== undefined) turn.model = event.model;
    turn.status = 'streaming';
    turn.text = '';
    turn.restarts += 1;
    delete turn.error;
  },
  'turn.completed': (turn, event) => {
    turn.status = 'completed';
    turn.text = event.text ?? turn.text;
  },
  'turn.failed': (turn, event) => {
    turn.status = 'failed';
    turn.error = event.text ?? 'failed';
  },
  'turn.cancelled': (turn, event) => {
    turn.status = 'cancelled';
    turn.text = event.text ?? turn.text;
  },
};

/**
 * Folds a session's events into one view per turn, in the order the turns first appear. A turn seen
 * first through another event than its `user.message` (a `turn.restarted` written before it, or a
 * resume that started mid-turn) gets a view with an empty `userText` until the message arrives.
 */
export class TurnViews {
  private readonly byId = new Map<string, TurnView>();
  // Turns whose user.message was seen: a later one with the same turnId is a repeat.
  private readonly withMessage = new Set<string>();
  private readonly fence = new AttemptFence();

  /** Applies one event; returns the changed view, or undefined when nothing changed. */
  apply(event: ChatEvent): TurnView | undefined {
    const apply = APPLY[event.type];
    if (event.turnId === undefined || apply === undefined) return undefined;
    const repeat = event.type === 'user.message' && this.withMessage.has(event.turnId);
    // A superseded attempt's late events (docs/protocol.md, "Restarts") change nothing.
    if (repeat || !this.fence.admits(event)) return undefined;
    const turn = this.open(event.turnId);
    if (event.type === 'user.message') {
      this.withMessage.add(event.turnId);
      turn.userText = event.text ?? '';
      return turn;
    }
    apply(turn, event);
    return turn;
  }

  /** Records a turn the gateway accepted (`chat.send` ack) before its `user.message` arrives. */
  accepted(turnId: string, userText: string): TurnView | undefined {
    if (this.byId.has(turnId)) return undefined;
    const turn = this.open(turnId);
    turn.userText = userText;
    return turn;
  }

  get(turnId: string): TurnView | undefined {
    return this.byId.get(turnId);
  }

  /** Every turn, in order. */
  list(): TurnView[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
    this.withMessage.clear();
    this.fence.clear();
  }

  private open(turnId: string): TurnView {
    let turn = this.byId.get(turnId);
    if (!turn) {
      turn = { turnId, userText: '', text: '', status: 'queued', restarts: 0 };
      this.byId.set(turnId, turn);
    }
    return turn;
  }
}
