/** Bounds for a value that arrived from outside, checked before anything else walks it. */
export interface ShapeLimits {
  /** Deepest nesting of objects and arrays; 1 is a flat object of primitives. */
  maxDepth: number;
  /** Most keys and elements in the whole value, counted over every level. */
  maxEntries: number;
  /** Longest string (keys included), in UTF-16 code units. */
  maxStringLength: number;
}

export type ShapeVerdict = { ok: true } | { ok: false; problem: string };

/** Keys that reach an object's prototype when assigned (prototype pollution) or confuse class-transformer. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks that `value` is a plain JSON object within `limits` before a parser, a DTO mapper or anything
 * else walks it: plain objects and arrays only (no class instances, binary data or functions), no
 * prototype keys, no `null` (the protocol never uses it: an absent field is left out), finite numbers,
 * bounded depth, size and string length. Iterative, so no input can exhaust the stack; never throws.
 */
export function checkShape(value: unknown, limits: ShapeLimits): ShapeVerdict {
  if (!isPlainObject(value)) return refuse('the payload must be a JSON object');
  const pending: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 1, path: '' }];
  let entries = 0;
  while (pending.length > 0) {
    const { value: node, depth, path } = pending.pop() as (typeof pending)[number];
    const children = childrenOf(node);
    if (children === undefined) {
      const problem = primitiveProblem(node, limits);
      if (problem) return refuse(`${path || 'the payload'} ${problem}`);
      continue;
    }
    if (depth > limits.maxDepth) return refuse(`${path} is nested deeper than ${limits.maxDepth} levels`);
    entries += children.length;
    if (entries > limits.maxEntries) return refuse(`the payload has more than ${limits.maxEntries} fields`);
    for (const [key, child] of children) {
      if (PROTOTYPE_KEYS.has(key)) return refuse(`the field name "${key}" is not allowed`);
      if (key.length > limits.maxStringLength) return refuse('a field name is too long');
      pending.push({ value: child, depth: depth + 1, path: path ? `${path}.${key}` : key });
    }
  }
  return { ok: true };
}

function refuse(problem: string): ShapeVerdict {
  return { ok: false, problem };
}

/** Own enumerable entries of a plain object or array; undefined for anything that is not a container. */
function childrenOf(value: unknown): Array<[string, unknown]> | undefined {
  if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) {
    const items: Array<[string, unknown]> = [];
    // A hole or an undefined element is no JSON value (JSON would make it null).
    for (let index = 0; index < value.length; index += 1) {
      items.push([String(index), index in value && value[index] !== undefined ? value[index] : HOLE]);
    }
    return items;
  }
  if (!isPlainObject(value)) return undefined;
  const entries: Array<[string, unknown]> = [];
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    // A getter would run code while we look; JSON never makes one.
    entries.push([key, descriptor && 'value' in descriptor ? descriptor.value : GETTER]);
  }
  return entries;
}

const GETTER = Symbol('getter');
const HOLE = Symbol('hole');

function primitiveProblem(value: unknown, limits: ShapeLimits): string | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > limits.maxStringLength
        ? `is longer than ${limits.maxStringLength} characters`
        : undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'boolean':
      return undefined;
    case 'undefined':
      return undefined;
    default:
      if (value === null) return 'must not be null (leave the field out instead)';
      if (value === GETTER) return 'must be a plain value';
      if (value === HOLE) return 'must not be a hole or undefined';
      return 'must be a JSON value (no binary data)';
  }
}

/** An object made by a JSON parser or an object literal: its prototype is Object.prototype or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
