import type { Request, Response } from 'express';
import { createSession, type Session } from 'better-sse';
import type { UiMessageChunk } from '@litesession/chat-protocol';

/** The header by which the AI SDK knows a UI message stream (its `UI_MESSAGE_STREAM_HEADERS`). */
export const UI_MESSAGE_STREAM_HEADERS = {
  'x-vercel-ai-ui-message-stream': 'v1',
  'X-Accel-Buffering': 'no',
};

/** The stream's last data line: the AI SDK's end-of-stream marker. */
const DONE = '[DONE]';

/**
 * A response in the AI SDK's UI message stream protocol: SSE whose `data:` lines are the JSON chunks,
 * then `data: [DONE]`. Framed by better-sse, like the session stream.
 */
export class UiMessageStream {
  private constructor(
    private readonly stream: Session,
    private readonly response: Response,
  ) {}

  static async open(request: Request, response: Response, heartbeatMs: number): Promise<UiMessageStream> {
    const stream = await createSession(request, response, {
      keepAlive: heartbeatMs,
      retry: null,
      trustClientEventId: false,
      headers: UI_MESSAGE_STREAM_HEADERS,
      // [DONE] is written as it is; chunks as JSON.
      serializer: (data) => (data === DONE ? DONE : JSON.stringify(data)),
    });
    return new UiMessageStream(stream, response);
  }

  get open(): boolean {
    return this.stream.isConnected && !this.response.writableEnded;
  }

  onClose(listener: () => void): void {
    this.stream.once('disconnected', listener);
  }

  write(chunks: readonly UiMessageChunk[]): void {
    for (const chunk of chunks) if (this.open) this.stream.push(chunk, 'message', '');
  }

  /** Ends the response; with `done`, after the end-of-stream marker (a complete stream). */
  end(done: boolean): void {
    if (done && this.open) this.stream.push(DONE, 'message', '');
    if (!this.response.writableEnded) this.response.end();
  }
}
