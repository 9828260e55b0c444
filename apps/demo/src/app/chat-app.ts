import {
  type ChatEvent,
  type ConnectionState,
  LiteSessionClient,
  LiteSessionError,
  type TurnView,
} from '@litesession/client';
import { Composer } from './composer';
import { ConversationView } from './conversation-view';
import { byTestId } from './dom';
import { renderStatus } from './status-pill';

/** How long the "Simulate disconnect" button stays disabled after a drop. */
const SIMULATED_OUTAGE_MS = 1500;
const STORAGE_KEY = 'litesession-demo';

/** What the page exposes as `window.__litesession`, for the browser e2e test and for curious people. */
export interface DemoHooks {
  /** Every event of the session the page received, in seq order, each once. */
  events: ChatEvent[];
  /** The gateway nodes the page was connected to, in order (a reconnect to the same node adds nothing). */
  nodes: string[];
  turns(): TurnView[];
  state(): ConnectionState;
}

const ERRORS: Record<string, string> = {
  turn_in_progress: 'A reply is still streaming: wait for it, or stop it first.',
  rate_limited: 'Slow down a little: too many messages at once.',
  invalid_payload: 'That message cannot be sent (too long?).',
  timeout: 'No gateway answered in time. Is the stack running?',
  session_moved: 'Another gateway node took this chat over. Reload to continue here.',
  disconnected: 'Connection lost. Reconnecting…',
  closed: 'Offline for a moment: send it again once connected.',
};

/** The chat page: one `LiteSessionClient`, the message list, the status pill and the send box. */
export class ChatApp {
  readonly hooks: DemoHooks;
  private readonly client: LiteSessionClient;
  private readonly nodes: string[] = [];
  /** The gateway nodes that delivered each turn's events, in order (e.g. node-a, then node-b). */
  private readonly turnNodes = new Map<string, string[]>();
  private readonly view = new ConversationView(
    byTestId('messages'),
    byTestId('conversation'),
    byTestId('welcome'),
  );
  private readonly composer = new Composer({ send: (text) => this.send(text), stop: () => void this.stop() });
  private readonly pill = byTestId('connection-status');
  private readonly sessionLabel = byTestId('session-id');
  private readonly toastBox = byTestId('toast');
  private readonly disconnectButton = byTestId<HTMLButtonElement>('simulate-disconnect');
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private lastStatus: ConnectionState['status'] = 'idle';

  constructor(urls: readonly string[]) {
    // replayHistory: after a page load the whole conversation is read from the log and shown again.
    this.client = new LiteSessionClient({ urls, storageKey: STORAGE_KEY, replayHistory: true });
    this.hooks = {
      events: [],
      nodes: this.nodes,
      turns: () => this.client.turns(),
      state: () => this.client.state,
    };
    this.client.on('state', (state) => this.onState(state));
    this.client.on('event', (event) => this.onEvent(event));
    this.client.on('turn', (turn) => this.onTurn(turn));
    this.client.on('error', (error) => this.toast(ERRORS[error.code] ?? error.message));
    this.disconnectButton.addEventListener('click', () => this.simulateDisconnect());
    byTestId('new-chat').addEventListener('click', () => this.newChat());
    for (const chip of document.querySelectorAll<HTMLButtonElement>('[data-prompt]')) {
      chip.addEventListener('click', () => this.composer.sendText(chip.dataset['prompt'] ?? chip.innerText));
    }
  }

  /** Connects; a stored session resumes and its conversation is shown again. */
  start(): void {
    this.client.connect().catch((error: unknown) => this.onConnectFailed(error));
    this.composer.focus();
  }

  /**
   * Drops the connection the way a flaky network would; the client library resumes the session by itself
   * (next gateway, after its backoff), and a message still waiting for its acknowledgement is sent again.
   */
  simulateDisconnect(): void {
    this.disconnectButton.disabled = true;
    this.client.dropConnection();
    this.toast('Connection dropped on purpose. The client reconnects by itself…');
    setTimeout(() => (this.disconnectButton.disabled = false), SIMULATED_OUTAGE_MS);
  }

  private newChat(): void {
    this.client.forgetSession();
    this.clearConversation();
    this.start();
  }

  private onConnectFailed(error: unknown): void {
    if (!(error instanceof LiteSessionError)) return this.toast(String(error));
    if (error.code === 'invalid_session') {
      // The stored session is gone (e.g. the stack restarted with a new SESSION_SECRET): start a new one.
      this.clearConversation();
      this.toast('The previous session has expired. Started a new one.');
      this.start();
    } else if (error.code !== 'closed') {
      this.toast(ERRORS[error.code] ?? error.message);
    }
  }

  private clearConversation(): void {
    this.turnNodes.clear();
    this.hooks.events = [];
    this.view.clear();
    this.composer.setStreaming(false);
  }

  private onState(state: ConnectionState): void {
    renderStatus(this.pill, state);
    if (state.status === 'connected' && state.node && this.lastStatus !== 'connected') {
      if (this.nodes.length > 0) this.toast(`Reconnected to ${state.node}. The session continues.`);
      if (this.nodes.at(-1) !== state.node) this.nodes.push(state.node);
    }
    this.lastStatus = state.status;
    this.showSession(state);
  }

  private showSession(state: ConnectionState): void {
    this.sessionLabel.textContent = state.sessionId
      ? `Session ${state.sessionId.slice(0, 8)} · ${(state.lastSeq ?? -1) + 1} events in its log`
      : 'No session yet';
  }

  private onEvent(event: ChatEvent): void {
    // The client delivers each seq once and in order.
    this.hooks.events.push(event);
    this.showSession(this.client.state);
    const node = this.client.state.node;
    if (event.turnId && node) {
      const nodes = this.turnNodes.get(event.turnId) ?? [];
      if (nodes.at(-1) !== node) nodes.push(node);
      this.turnNodes.set(event.turnId, nodes);
    }
  }

  private onTurn(turn: TurnView): void {
    this.view.update(turn, this.turnNodes.get(turn.turnId) ?? []);
    this.composer.setStreaming(this.activeTurn() !== undefined);
  }

  private activeTurn(): TurnView | undefined {
    return this.client.turns().findLast((t) => t.status === 'queued' || t.status === 'streaming');
  }

  private async send(text: string): Promise<boolean> {
    try {
      await this.client.send(text);
      return true;
    } catch (error) {
      const code = error instanceof LiteSessionError ? error.code : '';
      this.toast(ERRORS[code] ?? `Not sent: ${describe(error)}`);
      return false;
    }
  }

  private async stop(): Promise<void> {
    const turn = this.activeTurn();
    if (!turn) return;
    try {
      await this.client.cancel(turn.turnId);
    } catch (error) {
      this.toast(`Could not stop the reply: ${describe(error)}`);
    }
  }

  private toast(message: string): void {
    this.toastBox.textContent = message;
    this.toastBox.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toastBox.hidden = true), 5000);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
