/**
 * A fetch for the AI SDK's DefaultChatTransport that sends each request to the first gateway that
 * answers, as a load balancer with health checks in front of them would: `input` is the route
 * (`/v1/ai/chat…`), the gateway's origin is put in front of it.
 */
export function failoverFetch(gateways: readonly string[]): typeof fetch {
  return async (input, init) => {
    let lastError: unknown = new Error('no gateway to ask');
    for (const gateway of gateways) {
      try {
        return await fetch(`${gateway}${String(input)}`, init);
      } catch (error) {
        if (init?.signal?.aborted) throw error;
        lastError = error;
      }
    }
    throw lastError;
  };
}
