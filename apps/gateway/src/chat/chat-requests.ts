import { CHAT_REQUESTS_TOPIC, type ChatSendRequest, encodeChatRequest } from '@litesession/chat-protocol';
import type { RocketMQProducer } from '@litesession/rocketmq';

/**
 * Puts a request on `chat-requests`: the session id as message group (its requests stay in order), the
 * turn id as key (to find it with mqadmin). Resolves once the broker has stored it.
 */
export async function queueChatRequest(producer: RocketMQProducer, request: ChatSendRequest): Promise<void> {
  await producer.send(CHAT_REQUESTS_TOPIC, Buffer.from(encodeChatRequest(request), 'utf8'), {
    messageGroup: request.sessionId,
    keys: [request.turnId],
  });
}
