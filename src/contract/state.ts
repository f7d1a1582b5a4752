/**
 * A contract's storage as a JSON document, for local development (`qvm run --state FILE`):
 *
 *   {
 *     "format": "qvm-contract-state/1",
 *     "storage": { "TOTALUSERS": "2", "BLOB": { "base64": "AAEC" } }
 *   }
 *
 * Keys are sorted; a value is a string when it is valid UTF-8, else `{ "base64": … }`.
 */
import { isValidKey, MAX_VALUE_BYTES } from './protocol.js';
import { defineError, UserError } from '../errors.js';

export const STATE_FORMAT = 'qvm-contract-state/1';

export type JsonBytes = string | { base64: string };

/** A string when the bytes are valid UTF-8, else { base64 }. */
export function bytesToJson(b: Uint8Array): JsonBytes {
  const s = Buffer.from(b).toString('utf8');
  return Buffer.from(s, 'utf8').equals(Buffer.from(b)) ? s : { base64: Buffer.from(b).toString('base64') };
}

export function bytesFromJson(v: unknown): Uint8Array | null {
  if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'utf8'));
  if (v !== null && typeof v === 'object' && typeof (v as { base64?: unknown }).base64 === 'string') {
    return new Uint8Array(Buffer.from((v as { base64: string }).base64, 'base64'));
  }
  return null;
}

/** Why a storage entry is invalid, or null: keys 1–128 bytes of [A-Za-z0-9_], values ≤ 64 KiB without `\n` or NUL. */
export function checkEntry(key: string, value: Uint8Array): string | null {
  if (!isValidKey(key)) return `invalid key "${key}" (keys are 1-128 bytes of [A-Za-z0-9_])`;
  if (value.length > MAX_VALUE_BYTES) return `value of ${key} longer than ${MAX_VALUE_BYTES} bytes`;
  if (value.includes(0)) return `value of ${key} contains a NUL byte`;
  if (value.includes(10)) return `value of ${key} contains a newline`;
  return null;
}

/** A `--state` file that is not a state document (one-line message). */
export class StateFileError extends UserError {}
defineError(StateFileError, 'StateFileError', 'STATE_FILE');

/** Parse a state document (throws StateFileError with a one-line message). */
export function parseState(text: string): Map<string, Uint8Array> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(`not JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new StateFileError('expected a JSON object');
  const { format, storage } = doc as { format?: unknown; storage?: unknown };
  if (format !== STATE_FORMAT) throw new StateFileError(`expected "format": "${STATE_FORMAT}"`);
  if (storage === null || typeof storage !== 'object' || Array.isArray(storage)) throw new StateFileError('"storage" must be an object');
  const out = new Map<string, Uint8Array>();
  for (const [key, raw] of Object.entries(storage as Record<string, unknown>)) {
    const value = bytesFromJson(raw);
    if (!value) throw new StateFileError(`value of ${key} must be a string or { "base64": … }`);
    const bad = checkEntry(key, value);
    if (bad) throw new StateFileError(bad);
    out.set(key, value);
  }
  return out;
}

/** Serialize storage (sorted keys, two-space indentation, final newline). */
export function formatState(storage: ReadonlyMap<string, Uint8Array | string>): string {
  const keys = [...storage.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const obj: Record<string, JsonBytes> = {};
  for (const k of keys) {
    const v = storage.get(k)!;
    obj[k] = typeof v === 'string' ? v : bytesToJson(v);
  }
  return JSON.stringify({ format: STATE_FORMAT, storage: obj }, null, 2) + '\n';
}
