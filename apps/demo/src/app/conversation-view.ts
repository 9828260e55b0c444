import type { TurnView } from '@litesession/client';
import { el } from './dom';
import { renderMarkdown } from './markdown';

interface TurnRow {
  user: HTMLLIElement;
  userBubble: HTMLElement;
  assistant: HTMLLIElement;
  bubble: HTMLElement;
  meta: HTMLElement;
  /** The reply text the bubble shows now (rendering again only when it changed). */
  shownText: string;
}

const STATUS_BADGES: Partial<Record<TurnView['status'], [label: string, tone: string]>> = {
  queued: ['waiting for the model', ''],
  cancelled: ['stopped', 'warn'],
  failed: ['failed', 'bad'],
};

/** The message list: a user bubble and an assistant bubble per turn, updated from the client's `TurnView`s. */
export class ConversationView {
  private readonly rows = new Map<string, TurnRow>();

  constructor(
    private readonly list: HTMLElement,
    private readonly scroller: HTMLElement,
    private readonly welcome: HTMLElement,
  ) {}

  /** Shows the turn as it is now; `nodes` are the gateway nodes that delivered its events, in order. */
  update(turn: TurnView, nodes: readonly string[]): void {
    const stickToBottom = this.isNearBottom();
    const row = this.rows.get(turn.turnId) ?? this.add(turn.turnId);
    row.userBubble.textContent = turn.userText;
    row.user.hidden = turn.userText === '';
    // Replies are Markdown (sanitized); what the user typed is shown as typed.
    if (row.shownText !== turn.text) renderMarkdown(row.bubble, turn.text);
    row.shownText = turn.text;
    row.assistant.dataset['status'] = turn.status;
    row.assistant.setAttribute('aria-busy', String(turn.status === 'queued' || turn.status === 'streaming'));
    row.meta.replaceChildren(...this.badges(turn, nodes));
    this.welcome.hidden = true;
    if (stickToBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** Removes every turn (a new chat). */
  clear(): void {
    this.rows.clear();
    this.list.replaceChildren();
    this.welcome.hidden = false;
  }

  private add(turnId: string): TurnRow {
    const userBubble = el('div', 'bubble');
    const user = el('li', 'message user', userBubble);
    user.dataset['testid'] = 'user-message';
    const bubble = el('div', 'bubble markdown');
    bubble.dataset['testid'] = 'assistant-text';
    const meta = el('div', 'meta');
    const assistant = el('li', 'message assistant', bubble, meta);
    assistant.dataset['testid'] = 'assistant-message';
    assistant.dataset['turnId'] = turnId;
    this.list.append(user, assistant);
    const row: TurnRow = { user, userBubble, assistant, bubble, meta, shownText: '' };
    this.rows.set(turnId, row);
    return row;
  }

  private badges(turn: TurnView, nodes: readonly string[]): HTMLElement[] {
    const badges: HTMLElement[] = [];
    if (nodes.length > 0) {
      const via = el(
        'span',
        nodes.length > 1 ? 'badge nodes moved' : 'badge nodes',
        `via ${nodes.join(' → ')}`,
      );
      via.dataset['testid'] = 'turn-nodes';
      via.title =
        nodes.length > 1
          ? 'The connection moved to another gateway node while this reply streamed; nothing was lost.'
          : 'The gateway node that delivered this reply.';
      badges.push(via);
    }
    if (turn.model) {
      const model = el('span', 'badge model', turn.model);
      model.dataset['testid'] = 'turn-model';
      model.title = 'The model that wrote this reply.';
      badges.push(model);
    }
    if (turn.restarts > 0) {
      const restarted = el(
        'span',
        'badge warn',
        turn.restarts > 1 ? `restarted ×${turn.restarts}` : 'restarted',
      );
      restarted.title = 'A scheduler died mid-reply; another one generated it again from the start.';
      badges.push(restarted);
    }
    const status = STATUS_BADGES[turn.status];
    if (status) badges.push(el('span', `badge ${status[1]}`.trim(), status[0]));
    if (turn.status === 'failed' && turn.error) badges.push(el('span', 'badge', turn.error));
    return badges;
  }

  private isNearBottom(): boolean {
    const { scrollTop, scrollHeight, clientHeight } = this.scroller;
    return scrollHeight - scrollTop - clientHeight < 80;
  }
}
