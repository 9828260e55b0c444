import { decodeChatRequest, type ChatSendRequest } from '@litesession/chat-protocol';
import type { SendOptions } from '@litesession/rocketmq';

/**
 * Stands in for RocketMQProducer in the gateway's unit tests: records what was queued on `chat-requests`
 * (`sent`) and published on a session's channel (`published`), fails while `failure` is set, and calls
 * `onSend` for each queued `chat.send` (a test plays the scheduler there).
 */
export class FakeProducer {
  readonly sent: Array<{ topic: string; body: unknown; options: SendOptions }> = [];
  readonly published: Array<{ sessionId: string; event: unknown; options: unknown }> = [];
  failure: Error | undefined;
  onSend: (request: ChatSendRequest) => void = () => undefined;

  async publish(sessionId: string, event: unknown, options: unknown): Promise<{ messageId: string }> {
    if (this.failure) throw this.failure;
    this.published.push({ sessionId, event, options });
    return { messageId: `p${this.published.length}` };
  }

  async send(topic: string, body: Buffer, options: SendOptions = {}): Promise<{ messageId: string }> {
    if (this.failure) throw this.failure;
    const decoded: unknown = JSON.parse(body.toString('utf8'));
    this.sent.push({ topic, body: decoded, options });
    const request = decodeChatRequest(decoded);
    if (request.kind === 'chat.send') setTimeout(() => this.onSend(request), 20);
    return { messageId: `m${this.sent.length}` };
  }
}
