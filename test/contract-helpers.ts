/**
 * Shared by the contract tests: the contract binaries built by test/setup.sh and small helpers.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallResult } from '../src/contract/index.js';
import { BUILD } from './helpers.js';

export const PROBE = join(BUILD, 'contracts', 'probe');
export const EXAMPLES = join(BUILD, 'examples');

const cache = new Map<string, Uint8Array>();

/** The bytes of a built contract (fails clearly when test/setup.sh has not run). */
export function code(path: string): Uint8Array {
  let b = cache.get(path);
  if (!b) {
    assert.ok(existsSync(path), `${path} is missing: run bash test/setup.sh`);
    b = new Uint8Array(readFileSync(path));
    cache.set(path, b);
  }
  return b;
}

export const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
export const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Writes as "KEY=VALUE" strings. */
export function writesOf(r: CallResult): string[] {
  return r.writes.map((w) => `${w.key}=${text(w.value)}`);
}

/** Event data as strings. */
export function eventsOf(r: CallResult): string[] {
  return r.events.map((e) => text(e.data));
}

/** Asserts success, with the failure shown when it is not. */
export function assertSuccess(r: CallResult, what = 'call'): void {
  assert.equal(r.status, 'success', `${what} failed: ${r.failure?.kind}: ${r.failure?.reason}\nstderr: ${text(r.stderr).slice(0, 2000)}`);
}

/**
 * Go binaries need kernel features QVM is still getting (clone() threads, epoll for the runtime's
 * poller): a Go contract whose runtime dies for such a reason makes its test skip, with a message
 * naming it, instead of fail.
 */
export function goThreadsMissing(r: CallResult): string | null {
  const err = text(r.stderr);
  const missing =
    /newosproc|failed to create new OS thread/.test(err) ? 'clone() threads' :
    /epollcreate failed|netpollinit failed/.test(err) ? 'epoll (for the Go runtime\'s poller)' :
    r.unknownSyscalls.includes('clone') ? 'clone() threads' : null;
  if (r.status !== 'failure' || missing === null) return null;
  const first = err.split('\n').find((l) => l.length > 0) ?? r.failure?.reason;
  return `Go contract cannot run yet: QVM lacks ${missing} (${first})`;
}
