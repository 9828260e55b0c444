import { createHash, randomUUID } from 'node:crypto';

/**
 * The turn a `chat.send` starts. With a `clientMessageId` it is derived from it, so a retried send (after a
 * dropped connection, on any node) names the same turn and the scheduler can run it once; without one it
 * is random.
 */
export function turnIdFor(sessionId: string, clientMessageId?: string): string {
  if (clientMessageId === undefined) return `t-${randomUUID()}`;
  const digest = createHash('sha256')
    .update(`${sessionId}\u0000${clientMessageId}`, 'utf8')
    .digest('base64url');
  return `t-${digest.slice(0, 22)}`;
}
