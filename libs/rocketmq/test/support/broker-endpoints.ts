/** The proxy endpoint exported by the integration global setup (tools/rocketmq); fails loudly without it. */
export function brokerEndpoints(): string {
  const endpoints = process.env['ROCKETMQ_ENDPOINTS'];
  if (!endpoints) {
    throw new Error(
      'ROCKETMQ_ENDPOINTS is not set: run these tests through `nx run rocketmq:integration` (its global setup starts the broker)',
    );
  }
  return endpoints;
}

export const PARENT_TOPIC = 'chat';
/** The first gateway node's lite group (tools/rocketmq provisions gateway-0 … gateway-7). */
export const GATEWAY_GROUP = 'gateway-0';
/** Another gateway node's group: a session subscribed in both gets every event in each. */
export const SECOND_GATEWAY_GROUP = 'gateway-1';

/** A fresh, valid session id per test, so runs never see each other's logs. */
export function testSessionId(label: string): string {
  return `it-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
