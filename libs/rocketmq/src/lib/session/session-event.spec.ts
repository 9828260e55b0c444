import { InvalidSessionEventError, SessionEventDecodeError } from '../rocketmq.errors';
import {
  decodeSessionEvent,
  encodeSessionEvent,
  MAX_SESSION_EVENT_BYTES,
  type SessionEventInput,
} from './session-event';

const meta = { sessionId: 'session-1', seq: 7, messageId: 'MSG-0001' };

/** The decode error for `body`, or a failure when it decodes. */
function decodeErrorOf(body: Buffer): SessionEventDecodeError {
  try {
    decodeSessionEvent(body, meta);
  } catch (error) {
    if (error instanceof SessionEventDecodeError) return error;
    throw new Error(`expected a SessionEventDecodeError, got ${String(error)}`);
  }
  throw new Error('expected the body to be rejected, but it decoded');
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

describe('session event envelope', () => {
  describe('round trip', () => {
    it('decodes what it encodes, with seq, sessionId and messageId taken from the message metadata', () => {
      const input: SessionEventInput = {
        type: 'token',
        ts: 1_795_303_089_231,
        turnId: 't-1',
        text: 'Hel',
        data: { index: 3, nested: { ok: true } },
      };

      const event = decodeSessionEvent(encodeSessionEvent(input), meta);

      expect(event).toStrictEqual({
        sessionId: 'session-1',
        seq: 7,
        messageId: 'MSG-0001',
        type: 'token',
        ts: 1_795_303_089_231,
        turnId: 't-1',
        text: 'Hel',
        data: { index: 3, nested: { ok: true } },
      });
    });

    it('leaves out the optional fields that were not given', () => {
      const event = decodeSessionEvent(encodeSessionEvent({ type: 'turn.started', ts: 5 }), meta);

      expect(event).toStrictEqual({
        sessionId: 'session-1',
        seq: 7,
        messageId: 'MSG-0001',
        type: 'turn.started',
        ts: 5,
      });
    });

    it('writes version 1 and stamps the current time when ts is missing', () => {
      const before = Date.now();
      const wire = JSON.parse(encodeSessionEvent({ type: 'token' }).toString('utf8')) as Record<
        string,
        unknown
      >;
      const after = Date.now();

      expect(wire['v']).toBe(1);
      expect(wire['ts']).toBeGreaterThanOrEqual(before);
      expect(wire['ts']).toBeLessThanOrEqual(after);
    });

    it('keeps non-ASCII text intact', () => {
      const event = decodeSessionEvent(
        encodeSessionEvent({ type: 'token', ts: 1, text: 'héllo 👋 世界' }),
        meta,
      );

      expect(event.text).toBe('héllo 👋 世界');
    });
  });

  describe('decode', () => {
    it('ignores fields it does not know, including seq/sessionId/messageId in the body', () => {
      const body = json({
        v: 1,
        type: 'token',
        ts: 1,
        seq: 99,
        sessionId: 'someone-else',
        messageId: 'forged',
        futureField: { x: 1 },
      });

      expect(decodeSessionEvent(body, meta)).toStrictEqual({
        sessionId: 'session-1',
        seq: 7,
        messageId: 'MSG-0001',
        type: 'token',
        ts: 1,
      });
    });

    it.each([
      ['an empty body', Buffer.alloc(0)],
      ['text that is not JSON', Buffer.from('hello', 'utf8')],
      ['truncated JSON', Buffer.from('{"v":1,"type":"tok', 'utf8')],
      ['invalid UTF-8 bytes', Buffer.from([0xff, 0xfe, 0xfd])],
      ['a JSON array', json([{ v: 1, type: 'token', ts: 1 }])],
      ['JSON null', json(null)],
      ['a JSON string', json('{"v":1}')],
      ['a JSON number', json(1)],
    ])('rejects %s as malformed', (_, body) => {
      const error = decodeErrorOf(body);

      expect(error.reason).toBe('malformed');
      expect(error.messageId).toBe('MSG-0001');
      expect(error.message).toContain('messageId=MSG-0001');
    });

    it.each([
      ['v: 2', { v: 2, type: 'token', ts: 1 }, 'v=2'],
      ['v as a string', { v: '1', type: 'token', ts: 1 }, 'v="1"'],
      ['no v at all', { type: 'token', ts: 1 }, 'v=undefined'],
    ])('rejects %s as an unsupported version', (_, wire, detail) => {
      const error = decodeErrorOf(json(wire));

      expect(error.reason).toBe('unsupported_version');
      expect(error.message).toContain('messageId=MSG-0001');
      expect(error.message).toContain(detail);
    });

    it.each([
      ['a missing type', { v: 1, ts: 1 }],
      ['a missing ts', { v: 1, type: 'token' }],
      ['a numeric type', { v: 1, type: 5, ts: 1 }],
      ['ts as a string', { v: 1, type: 'token', ts: '1' }],
      ['a numeric turnId', { v: 1, type: 'token', ts: 1, turnId: 1 }],
      ['text as an object', { v: 1, type: 'token', ts: 1, text: { a: 1 } }],
      ['data as an array', { v: 1, type: 'token', ts: 1, data: [1, 2] }],
      ['data as null', { v: 1, type: 'token', ts: 1, data: null }],
      ['data as a string', { v: 1, type: 'token', ts: 1, data: 'x' }],
    ])('rejects %s as invalid fields', (_, wire) => {
      const error = decodeErrorOf(json(wire));

      expect(error.reason).toBe('invalid_fields');
      expect(error.name).toBe('SessionEventDecodeError');
      expect(error.message).toContain('messageId=MSG-0001');
    });
  });

  describe('encode', () => {
    it.each(['Token', '', '1token', 'has space', 'tok/en', 'a'.repeat(65), 42, undefined])(
      'rejects the type %p',
      (type) => {
        expect(() => encodeSessionEvent({ type } as SessionEventInput)).toThrow(InvalidSessionEventError);
      },
    );

    it.each(['token', 'turn.started', 'tool_call-1', 'a'.repeat(64)])('accepts the type %p', (type) => {
      expect(() => encodeSessionEvent({ type })).not.toThrow();
    });

    it.each([
      ['an array', [1, 2]],
      ['null', null],
      ['a string', 'x'],
      ['a number', 3],
    ])('rejects data that is %s', (_, data) => {
      expect(() => encodeSessionEvent({ type: 'token', data } as unknown as SessionEventInput)).toThrow(
        new InvalidSessionEventError('Invalid session event: data must be an object'),
      );
    });

    it('lists every problem of an input in one error', () => {
      const input = { type: 'Bad Type', turnId: 't'.repeat(129), text: 5, data: [], ts: Number.NaN };

      expect(() => encodeSessionEvent(input as unknown as SessionEventInput)).toThrow(
        new InvalidSessionEventError(
          'Invalid session event: type must be a lower-case name such as "token" or "turn.started"; ' +
            'turnId must be a string of at most 128 characters; text must be a string; data must be an object; ' +
            'ts must be a finite number',
        ),
      );
    });

    it('rejects a missing input with a typed error', () => {
      expect(() => encodeSessionEvent(undefined as unknown as SessionEventInput)).toThrow(
        InvalidSessionEventError,
      );
    });

    it('accepts an envelope of exactly MAX_SESSION_EVENT_BYTES and rejects one byte more', () => {
      const overhead = encodeSessionEvent({ type: 'token', ts: 1, text: '' }).length;
      const fits = 'x'.repeat(MAX_SESSION_EVENT_BYTES - overhead);

      expect(encodeSessionEvent({ type: 'token', ts: 1, text: fits }).length).toBe(MAX_SESSION_EVENT_BYTES);
      expect(() => encodeSessionEvent({ type: 'token', ts: 1, text: `${fits}x` })).toThrow(
        new InvalidSessionEventError(
          `Session event of ${MAX_SESSION_EVENT_BYTES + 1} bytes exceeds the ${MAX_SESSION_EVENT_BYTES}-byte limit`,
        ),
      );
    });

    it('measures the limit in UTF-8 bytes, not characters', () => {
      // Each "é" is two bytes: the text is well under the limit in characters but over it in bytes.
      const text = 'é'.repeat(MAX_SESSION_EVENT_BYTES / 2);

      expect(text.length).toBeLessThan(MAX_SESSION_EVENT_BYTES);
      expect(() => encodeSessionEvent({ type: 'token', text })).toThrow(InvalidSessionEventError);
    });
  });
});
