import { byTestId } from './dom';

export interface ComposerHandlers {
  /** Sends the text; resolves true when the gateway accepted it (the box is then cleared). */
  send(text: string): Promise<boolean>;
  /** Stops the reply that is streaming. */
  stop(): void;
}

/**
 * The send box: Enter sends, Shift+Enter adds a line; while a reply streams the send button turns into a
 * stop button.
 */
export class Composer {
  private readonly form = byTestId<HTMLFormElement>('composer');
  private readonly input = byTestId<HTMLTextAreaElement>('prompt');
  private readonly sendButton = byTestId<HTMLButtonElement>('send-button');
  private readonly stopButton = byTestId<HTMLButtonElement>('stop-button');
  private sending = false;

  constructor(private readonly handlers: ComposerHandlers) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.submit();
      }
    });
    this.input.addEventListener('input', () => this.fit());
    this.stopButton.addEventListener('click', () => this.handlers.stop());
  }

  /** Shows the stop button instead of the send button while a reply streams. */
  setStreaming(streaming: boolean): void {
    this.stopButton.hidden = !streaming;
    this.sendButton.hidden = streaming;
  }

  /** Fills the box (a suggestion chip) and sends it. */
  sendText(text: string): void {
    this.input.value = text;
    void this.submit();
  }

  focus(): void {
    this.input.focus();
  }

  private async submit(): Promise<void> {
    const text = this.input.value.trim();
    if (!text || this.sending) return;
    this.sending = true;
    this.sendButton.disabled = true;
    try {
      if (await this.handlers.send(text)) {
        this.input.value = '';
        this.fit();
      }
    } finally {
      this.sending = false;
      this.sendButton.disabled = false;
      this.input.focus();
    }
  }

  private fit(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 200)}px`;
  }
}
