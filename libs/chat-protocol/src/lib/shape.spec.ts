import fc from 'fast-check';
import { checkShape, type ShapeLimits } from './shape';

const flat: ShapeLimits = { maxDepth: 1, maxEntries: 4, maxStringLength: 10 };
const nested: ShapeLimits = { maxDepth: 4, maxEntries: 20, maxStringLength: 10 };

describe('checkShape', () => {
  it.each<[string, unknown, ShapeLimits]>([
    ['a flat object', { a: 'x', b: 1, c: true }, flat],
    ['an empty object', {}, flat],
    ['an absent (undefined) field', { a: undefined }, flat],
    ['nesting within the depth', { a: { b: [1, 2, { c: 'x' }] } }, nested],
    ['an object without prototype', Object.assign(Object.create(null) as object, { a: 1 }), flat],
  ])('accepts %s', (_, value, limits) => {
    expect(checkShape(value, limits)).toEqual({ ok: true });
  });

  it.each<[string, unknown, ShapeLimits, string]>([
    ['null', null, flat, 'JSON object'],
    ['a string', 'x', flat, 'JSON object'],
    ['an array at the top', [], flat, 'JSON object'],
    ['a class instance', new (class Auth {})(), flat, 'JSON object'],
    ['a null field', { a: null }, flat, 'must not be null'],
    ['a nested null', { a: { b: null } }, nested, 'a.b must not be null'],
    ['a __proto__ key', JSON.parse('{"__proto__": {"admin": true}}'), flat, '"__proto__"'],
    ['a constructor key', { a: { constructor: { name: 'x' } } }, nested, '"constructor"'],
    ['a prototype key', { prototype: 1 }, flat, '"prototype"'],
    ['nesting deeper than allowed', { a: { b: 1 } }, flat, 'nested deeper'],
    ['too many fields', { a: 1, b: 2, c: 3, d: 4, e: 5 }, flat, 'more than 4'],
    ['too many elements overall', { a: Array.from({ length: 30 }, () => 1) }, nested, 'more than 20'],
    ['a long string', { a: 'x'.repeat(11) }, flat, 'longer than 10'],
    ['a long key', { ['k'.repeat(11)]: 1 }, flat, 'field name'],
    ['binary data', { a: new Uint8Array(1) }, nested, 'no binary data'],
    ['a function', { a: () => 1 }, flat, 'JSON value'],
    ['NaN', { a: Number.NaN }, flat, 'finite'],
    ['a getter', Object.defineProperty({}, 'a', { get: () => 1, enumerable: true }), flat, 'plain value'],
    ['a Map', { a: new Map() }, nested, 'JSON value'],
    // eslint-disable-next-line no-sparse-arrays -- a hole is what this case is about
    ['a sparse array', { a: [1, , 3] }, nested, 'hole'],
  ])('refuses %s', (_, value, limits, problem) => {
    const verdict = checkShape(value, limits);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.problem).toContain(problem);
  });

  it('refuses a very deep value without recursing (no stack overflow)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(checkShape({ a: deep }, { maxDepth: 200_000, maxEntries: 200_000, maxStringLength: 10 })).toEqual({
      ok: true,
    });
    expect(checkShape({ a: deep }, nested).ok).toBe(false);
  });

  it('never throws, and accepts only what survives a JSON round trip unchanged', () => {
    const anything = fc.anything({
      withNullPrototype: true,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        // JSON writes -0 as 0: such a value is fine, but would not compare equal after the round trip.
        const marked = JSON.stringify(value, (_k, v: unknown) =>
          typeof v === 'bigint' ? 'bigint' : Object.is(v, -0) ? '"-0"' : v,
        );
        fc.pre(!marked?.includes('-0'));
        const verdict = checkShape(value, nested);
        if (verdict.ok) expect(JSON.parse(JSON.stringify(value))).toEqual(value);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every JSON object within the limits', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
    const safeKey = fc
      .string({ maxLength: 10 })
      .filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(safeKey, tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(safeKey, value, { maxKeys: 3 }), (object) => {
        const roundTripped = JSON.parse(JSON.stringify(object)) as unknown;
        const limits = { maxDepth: 100, maxEntries: 10_000, maxStringLength: 10 };
        expect(checkShape(roundTripped, limits)).toEqual({ ok: true });
      }),
    );
  });
});
