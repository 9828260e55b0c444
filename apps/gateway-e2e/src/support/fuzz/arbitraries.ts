import fc from 'fast-check';

/**
 * Generated inputs of the fuzz suite, by class. Values are JSON-shaped where a real client library would
 * serialize them (Socket.IO sends JSON), and hostile where it matters: prototype keys, null where a field
 * may only be absent, wrong types, huge and deeply nested values, binary data.
 */

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];
/** Event names socket.io-client will not emit. */
const CLIENT_RESERVED_EVENTS = [
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
];
const HANDSHAKE_FIELDS = ['token', 'sessionId', 'resumeToken', 'lastSeq'];

/** Any JSON value, sometimes with a prototype key somewhere inside (built from JSON text, as a parser would). */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc
    .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, value]) => JSON.parse(`{"${key}": ${JSON.stringify(value) ?? 'null'}}`) as unknown),
  fc.constantFrom(null, '', 0, -1, 1.5, Number.MAX_SAFE_INTEGER, 'x'.repeat(70_000), [], {}),
);

/** A value for one protocol field: right-looking, wrong-typed, null, huge, or nested. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: -5, max: 1_000_000 }),
  hostileJson,
);

/** The handshake `auth` object a client sends (socket.io-client requires an object). */
export const handshakeAuth: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.dictionary(fc.constantFrom(...HANDSHAKE_FIELDS), fieldValue, { maxKeys: 4 }),
  fc.dictionary(fc.oneof(fc.constantFrom(...HANDSHAKE_FIELDS, ...PROTOTYPE_KEYS), fc.string()), fieldValue, {
    maxKeys: 6,
  }),
  fc.record({ sessionId: fc.constant(null), resumeToken: fc.string({ maxLength: 64 }) }),
) as fc.Arbitrary<Record<string, unknown>>;

/** A client → server event: a known or unknown name, and a payload (sometimes binary). */
export const socketEvent: fc.Arbitrary<{ name: string; payload: unknown }> = fc.record({
  name: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('chat.send', 'chat.cancel') },
    // Names the server itself sends, or that Nest reserves; socket.io-client refuses its own reserved ones.
    { weight: 1, arbitrary: fc.constantFrom('session', 'chat.event', 'chat.error', 'exception', 'error') },
    {
      weight: 1,
      arbitrary: fc
        .string({ minLength: 1, maxLength: 40 })
        .filter((name) => !CLIENT_RESERVED_EVENTS.includes(name)),
    },
  ),
  payload: fc.oneof(
    fc.record(
      {
        text: fieldValue,
        clientMessageId: fieldValue,
        turnId: fieldValue,
      },
      { requiredKeys: [] },
    ),
    hostileJson,
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.record({ text: fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes)) }),
  ),
});

/** How a fuzz case spoils a real resume token. */
export type TokenMutation = 'forged' | 'altered' | 'truncated' | 'other-session' | 'other-user' | 'genuine';

export const tokenMutation: fc.Arbitrary<{
  mutation: TokenMutation;
  victim: number;
  seed: string;
  at: number;
}> = fc.record({
  mutation: fc.constantFrom<TokenMutation>(
    'forged',
    'altered',
    'altered',
    'truncated',
    'other-session',
    'other-user',
    'genuine',
  ),
  victim: fc.nat(),
  seed: fc.string({ minLength: 1, maxLength: 128 }),
  at: fc.nat(),
});

/** Replaces the character at `at` (modulo the length) with another one. */
export function alter(token: string, at: number): string {
  const index = at % token.length;
  const replacement = token[index] === 'A' ? 'B' : 'A';
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

/** A socket.io packet as text, from a grammar that covers the parser's branches, plus garbage. */
const socketIoPacket: fc.Arbitrary<string> = fc
  .record({
    type: fc.oneof(fc.constantFrom('0', '1', '2', '3', '4', '5', '6'), fc.string({ maxLength: 2 })),
    attachments: fc.option(fc.nat({ max: 20 }).map((n) => `${n}-`)),
    namespace: fc.option(fc.constantFrom('/', '/admin,', '/x,', '/,')),
    ackId: fc.option(fc.oneof(fc.nat().map(String), fc.constantFrom('-1', '9'.repeat(30)))),
    data: fc.option(
      fc.oneof(
        hostileJson.map((value) => JSON.stringify(value) ?? ''),
        fc
          .tuple(fc.constantFrom('chat.send', 'chat.cancel', 'x'), hostileJson)
          .map((tuple) => JSON.stringify(tuple)),
        fc.string({ maxLength: 100 }),
        fc.constantFrom('[', '{"a":', '["chat.send",', 'null', '[]'),
      ),
    ),
  })
  .map(({ type, attachments, namespace, ackId, data }) =>
    [type, attachments ?? '', namespace ?? '', ackId ?? '', data ?? ''].join(''),
  );

/** One raw WebSocket frame: an engine.io packet (mostly carrying socket.io), garbage, or binary. */
export const rawFrame: fc.Arbitrary<string | Buffer> = fc.oneof(
  { weight: 5, arbitrary: socketIoPacket.map((packet) => `4${packet}`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('0', '1', '2', '3', '5', '6', '7', 'b'), fc.string())
      .map(([t, s]) => t + s),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
);

/** A frame that is too large, or deeply nested within the size limit. */
export const heavyFrame: fc.Arbitrary<{ kind: 'oversized' | 'nested'; frame: string }> = fc.oneof(
  fc
    .integer({ min: 60_000, max: 2_000_000 })
    .map((size) => ({ kind: 'oversized' as const, frame: `42["chat.send",{"text":"${'x'.repeat(size)}"}]` })),
  fc
    .record({
      depth: fc.integer({ min: 100, max: 20_000 }),
      event: fc.constantFrom('chat.send', 'chat.cancel'),
    })
    .map(({ depth, event }) => ({
      kind: 'nested' as const,
      frame: `42["${event}",${'['.repeat(depth)}${']'.repeat(depth)}]`,
    })),
  fc.integer({ min: 100, max: 5_000 }).map((depth) => ({
    kind: 'nested' as const,
    frame: `40{"token":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  })),
);

/** An HTTP request to a gateway node. */
export const httpRequest: fc.Arbitrary<{
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}> = fc.record(
  {
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    path: fc.oneof(
      fc.constantFrom(
        '/health/live',
        '/health/ready',
        '/metrics',
        '/',
        '/index.html',
        '/socket.io/?EIO=4&transport=polling',
        '/socket.io/?EIO=3&transport=polling',
        '/../../etc/passwd',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/health/%00',
        '/metrics?x=' + 'y'.repeat(5000),
      ),
      fc.webPath().map((p) => p || '/'),
    ),
    headers: fc.dictionary(
      fc.constantFrom('content-type', 'x-forwarded-for', 'accept', 'origin', 'cookie', 'x-test'),
      fc.stringMatching(/^[ -~]{0,200}$/),
      { maxKeys: 4 },
    ),
    body: fc.oneof(
      fc.string({ maxLength: 500 }),
      hostileJson.map((value) => JSON.stringify(value) ?? ''),
    ),
  },
  { requiredKeys: ['method', 'path', 'headers'] },
);
