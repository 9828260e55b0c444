/** Injection token of this gateway node's id (shown to clients in the `session` event). */
export const GATEWAY_NODE_ID = Symbol('GATEWAY_NODE_ID');
