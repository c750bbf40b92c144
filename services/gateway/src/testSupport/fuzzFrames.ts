import type { Prng } from './prng';

/** One WebSocket message as a client could send it. */
export interface FuzzFrame {
  bytes: Uint8Array;
  isBinary: boolean;
  /** How the frame was made, for the failure report. */
  recipe: string;
}

type Json = Record<string, unknown>;

const DM = `dm.${'0123456789abcdef'.repeat(2)}`;
const GROUP = `grp.${'fedcba9876543210'.repeat(2)}`;

/** A valid request of every type: the seeds that mutations start from. */
export const VALID_FRAMES: readonly Json[] = [
  { type: 'send', id: 's1', to: 'bob', clientMsgId: 'c-1', body: 'hello' },
  { type: 'send', id: 2, conversationId: GROUP, clientMsgId: 'c:2', body: 'hi 👋', contentType: 'text/markdown' },
  { type: 'edit', id: 'e', conversationId: DM, seq: 3, body: 'fixed' },
  { type: 'delete', id: 'd', conversationId: DM, seq: 1 },
  { type: 'read', id: 'r', conversationId: GROUP, seq: 9 },
  { type: 'delivered', id: 'dl', conversationId: DM, seq: 2 },
  { type: 'group.create', id: 'g', name: 'team', members: ['bob', 'carol'] },
  { type: 'group.add', id: 'ga', conversationId: GROUP, userId: 'dave' },
  { type: 'group.remove', id: 'gr', conversationId: GROUP, userId: 'dave' },
  { type: 'history', id: 'h', conversationId: DM, before: 10, limit: 20 },
  { type: 'sync', id: 'y', cursors: { [DM]: 4, [GROUP]: 0 } },
  { type: 'typing', id: 't', conversationId: DM, active: true },
  { type: 'signal', id: 'sg', to: 'bob', kind: 'offer', payload: 'v=0' },
  { type: 'presence', id: 'pr', userIds: ['bob', 'carol'] },
  { type: 'ping', id: 'p' },
];

const TYPES = ['send', 'edit', 'delete', 'read', 'delivered', 'group.create', 'group.add', 'group.remove', 'history', 'sync', 'typing', 'signal', 'presence', 'ping'];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];
const HUGE_NUMBERS = ['1e308', '-1e308', '1e400', '-1e400', '9007199254740992', '9007199254740993', '-0', '1e-320', '0.5', '-1', '0', '4294967296', '1e21', '123456789012345678901234567890'];
const LENGTHS = [0, 1, 63, 64, 65, 127, 128, 129, 200, 201, 16_383, 16_384, 16_385, 65_536];
const SURROGATES = ['\\ud800', '\\udbff', '\\udc00', '\\udfff', '\\udc00\\ud800', '\\ud83d', '\\ud83d\\ude00'];
const BAD_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];
const MARKER = '\u0001fuzz-raw\u0001';

function randomString(rng: Prng, max: number): string {
  const alphabets = ['abcXYZ019._:-@', ' \t\n"\\/{}[],:', '\u00e9\u4e2d\u{1f44b}\u0000\u001f\u007f\u2028\ufeff'];
  const alphabet = [...rng.pick(alphabets)];
  return Array.from({ length: rng.int(max + 1) }, () => rng.pick(alphabet)).join('');
}

/** Any JSON value, nesting a little. */
export function randomJson(rng: Prng, depth = 0): unknown {
  const kind = rng.int(depth > 3 ? 5 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.chance(0.5) ? rng.int(1000) - 10 : (rng.next() - 0.5) * 10 ** rng.int(30);
    case 3:
    case 4:
      return randomString(rng, 20);
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default: {
      const object: Json = {};
      for (let i = rng.int(4); i > 0; i--) object[rng.chance(0.2) ? rng.pick(PROTOTYPE_KEYS) : randomString(rng, 8)] = randomJson(rng, depth + 1);
      return object;
    }
  }
}

/** Nested arrays or objects of the given depth, as JSON text (too deep to build and stringify). */
function deepText(rng: Prng, depth: number): string {
  if (rng.chance(0.5)) return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Sets an own, enumerable property, even for "__proto__", as JSON.parse makes them. */
function set(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Mutations of a frame as an object; some leave raw JSON text to splice in at MARKER. */
function mutateObject(rng: Prng, frame: Json, steps: string[]): string | undefined {
  const keys = Object.keys(frame);
  const key = rng.chance(0.85) && keys.length > 0 ? rng.pick(keys) : rng.pick([...PROTOTYPE_KEYS, 'extra', 'cursors', 'members']);
  switch (rng.int(11)) {
    case 0:
      steps.push(`flip ${key}`);
      set(frame, key, randomJson(rng));
      return undefined;
    case 1:
      steps.push(`huge number in ${key}`);
      set(frame, key, MARKER);
      return rng.pick(HUGE_NUMBERS);
    case 2: {
      const depth = rng.pick([2, 100, 5_000, 20_000]);
      steps.push(`nest ${key} ${depth} deep`);
      set(frame, key, MARKER);
      return deepText(rng, depth);
    }
    case 3: {
      const protoKey = rng.pick(PROTOTYPE_KEYS);
      steps.push(`prototype key ${protoKey}`);
      const target = rng.chance(0.5) ? frame : (frame.cursors ?? frame);
      const value = rng.chance(0.5) ? { polluted: 1, type: 'send' } : 1;
      // defineProperty, so that "__proto__" becomes an own key as JSON.parse would make it, not a prototype.
      if (typeof target === 'object' && target !== null) Object.defineProperty(target, protoKey, { value, enumerable: true, writable: true, configurable: true });
      if (rng.chance(0.3)) frame.type = protoKey;
      return undefined;
    }
    case 4: {
      const length = rng.pick(LENGTHS);
      steps.push(`string of ${length} in ${key}`);
      set(frame, key, rng.pick(['x', 'é', '👋', 'a.b']).repeat(length));
      return undefined;
    }
    case 5: {
      const surrogate = rng.pick(SURROGATES);
      steps.push(`surrogate ${surrogate} in ${key}`);
      set(frame, key, MARKER);
      return `"ab${surrogate}cd"`;
    }
    case 6:
      steps.push(`remove ${key}`);
      delete frame[key];
      return undefined;
    case 7:
      steps.push('retype');
      frame.type = rng.pick(TYPES);
      return undefined;
    case 8:
      steps.push(`id ${key}`);
      frame.id = rng.pick([null, '', 'x'.repeat(65), ' ', 0, -1, 1.5, true, [], {}, '\u00e9', 'ok-id']);
      return undefined;
    case 9:
      steps.push(`many entries in ${key}`);
      set(
        frame,
        key,
        rng.chance(0.5)
          ? Array.from({ length: rng.pick([1, 1_000, 5_000]) }, (_, i) => `user${i}`)
          : Object.fromEntries(Array.from({ length: rng.pick([1, 1_001]) }, (_, i) => [`dm.${i.toString(16).padStart(32, '0')}`, i])),
      );
      return undefined;
    default:
      steps.push(`add ${key}`);
      set(frame, key, randomJson(rng));
      return undefined;
  }
}

/** Mutations of the encoded bytes: the frame is no longer guaranteed to be JSON, or UTF-8. */
function mutateBytes(rng: Prng, bytes: Uint8Array, steps: string[]): Uint8Array {
  const at = rng.int(bytes.length + 1);
  const parts = (insert: ArrayLike<number>, removed = 0): Uint8Array => Buffer.concat([bytes.subarray(0, at), Uint8Array.from(insert), bytes.subarray(at + removed)]);
  switch (rng.int(6)) {
    case 0:
      steps.push(`flip byte ${at}`);
      return at < bytes.length ? parts([bytes[at]! ^ (1 << rng.int(8))], 1) : bytes;
    case 1:
      steps.push(`truncate at ${at}`);
      return bytes.subarray(0, at);
    case 2: {
      const bad = rng.pick(BAD_UTF8);
      steps.push(`invalid UTF-8 ${bad.join(',')} at ${at}`);
      return parts(bad);
    }
    case 3:
      steps.push(`random bytes at ${at}`);
      return parts(Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)));
    case 4: {
      const length = rng.int(Math.min(32, bytes.length - at) + 1);
      steps.push(`delete ${length} at ${at}`);
      return parts([], length);
    }
    default: {
      const other = Buffer.from(JSON.stringify(rng.pick(VALID_FRAMES)));
      steps.push(`splice another frame at ${at}`);
      return parts(other.subarray(0, rng.int(other.length + 1)));
    }
  }
}

/** One frame: a valid one mutated a few times, random JSON, or random bytes. */
export function fuzzFrame(rng: Prng): FuzzFrame {
  const steps: string[] = [];
  const roll = rng.next();
  if (roll < 0.05) {
    steps.push('random bytes');
    return { bytes: Uint8Array.from({ length: rng.int(64) }, () => rng.int(256)), isBinary: rng.chance(0.3), recipe: steps.join('; ') };
  }
  if (roll < 0.12) {
    steps.push('random JSON');
    return { bytes: Buffer.from(JSON.stringify(randomJson(rng)) ?? 'null'), isBinary: false, recipe: steps.join('; ') };
  }
  const frame = structuredClone(rng.pick(VALID_FRAMES)) as Json;
  steps.push(`from ${String(frame.type)}`);
  let raw: string | undefined;
  for (let i = rng.int(3); i >= 0; i--) raw = mutateObject(rng, frame, steps) ?? raw;
  let text = JSON.stringify(frame);
  if (raw !== undefined) text = text.split(JSON.stringify(MARKER)).join(raw);
  let bytes: Uint8Array = Buffer.from(text, 'utf8');
  if (rng.chance(0.3)) bytes = mutateBytes(rng, bytes, steps);
  return { bytes, isBinary: rng.chance(0.02), recipe: steps.join('; ') };
}
