/**
 * The contract SDKs (sdk/c, sdk/go, sdk/rust) through one contract per language with the same
 * commands (test/contracts/sdk_c.c, test/sdk/go, test/sdk/rust; the Go and Rust ones are built
 * here, from those sources; the C and Go ones also for riscv64), run with the contract ABI: the context, key and value checks, reads
 * with the lazy fallback and declared reads, writes, deletes, events, and the failure a bad key,
 * value or event gives, with the same message in each language.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCall, type CallResult } from '../src/contract/index.js';
import { BUILD, ROOT } from './helpers.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

interface Sdk {
  lang: string;
  binary: string;
  /** Builds the binary; null when its toolchain is missing. */
  build: (() => void) | null;
  /** The name of each function in its error messages. */
  names: { get: string; set: string; del: string; event: string };
}

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
}

const SDKS: Sdk[] = [
  { lang: 'c', binary: join(BUILD, 'contracts', 'sdk_c'), build: null, names: { get: 'qvm_get', set: 'qvm_set', del: 'qvm_del', event: 'qvm_event' } },
  {
    lang: 'go', binary: join(BUILD, 'contracts', 'sdk_go'), names: { get: 'qvm.Get', set: 'qvm.Set', del: 'qvm.Delete', event: 'qvm.Event' },
    build: has('go') ? () => sh('go', ['build', '-trimpath', '-o', join(BUILD, 'contracts', 'sdk_go'), '.'], join(ROOT, 'test', 'sdk', 'go'),
      { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOFLAGS: '-mod=mod', GOPROXY: 'off' }) : null,
  },
  {
    lang: 'rust', binary: join(BUILD, 'sdk-rust-target', 'x86_64-unknown-linux-gnu', 'release', 'sdk_rust'), names: { get: 'qvm::get', set: 'qvm::set', del: 'qvm::delete', event: 'qvm::event' },
    build: has('cargo') ? () => sh('cargo', ['build', '--offline', '--release', '--quiet', '--target', 'x86_64-unknown-linux-gnu'], join(ROOT, 'test', 'sdk', 'rust'),
      { RUSTFLAGS: '-C target-feature=+crt-static', CARGO_TARGET_DIR: join(BUILD, 'sdk-rust-target') }) : null,
  },
  // The same sources for riscv64: the SDKs must not assume x86-64 (QVM picks the CPU from the ELF).
  {
    lang: 'c (riscv64)', binary: join(BUILD, 'contracts', 'sdk_c.rv64'), names: { get: 'qvm_get', set: 'qvm_set', del: 'qvm_del', event: 'qvm_event' },
    build: has('riscv64-linux-gnu-gcc') ? () => sh('riscv64-linux-gnu-gcc', ['-static', '-O2', '-o', join(BUILD, 'contracts', 'sdk_c.rv64'), 'sdk_c.c'],
      join(ROOT, 'test', 'contracts'), {}) : null,
  },
  {
    lang: 'go (riscv64)', binary: join(BUILD, 'contracts', 'sdk_go.rv64'), names: { get: 'qvm.Get', set: 'qvm.Set', del: 'qvm.Delete', event: 'qvm.Event' },
    build: has('go') ? () => sh('go', ['build', '-trimpath', '-o', join(BUILD, 'contracts', 'sdk_go.rv64'), '.'], join(ROOT, 'test', 'sdk', 'go'),
      { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'riscv64', GOFLAGS: '-mod=mod', GOPROXY: 'off' }) : null,
  },
];

for (const sdk of SDKS) {
  const missing = sdk.lang === 'c' ? (existsSync(sdk.binary) ? false : 'sdk_c not built (bash test/setup.sh)') : sdk.build ? false : `no ${sdk.lang} toolchain`;
  describe(`${sdk.lang} SDK`, { skip: missing }, () => {
    let code: Uint8Array;
    before(() => {
      sdk.build?.();
      code = readFileSync(sdk.binary);
      // e_machine: the riscv64 builds really are riscv64 (EM_RISCV = 243), the others x86-64 (62)
      assert.equal(code[18], sdk.lang.includes('riscv64') ? 243 : 62);
    });
    const call = (args: string[], storage: Record<string, string> = {}, readKeys: string[] = []): CallResult => runCall({
      code, args, readKeys, storage: new Map(Object.entries(storage)), gasLimit: 500_000_000,
      context: { sender: '0x00000000000000000000000000000000000000a1', value: 123456789012345678901234567890n, blockNumber: 42n, chainId: 7n },
    });
    const events = (r: CallResult): string[] => r.events.map((e) => text(e.data));

    it('gives the call context', () => {
      const r = call(['ctx'], { QVM_INITIALIZED: 'true' });
      assert.equal(r.status, 'success', r.failure?.reason);
      const [sender, contract, value, tx, prev, block, time, chain, init] = events(r)[0]!.split(' ');
      assert.equal(sender, '0x00000000000000000000000000000000000000a1');
      assert.match(contract!, /^0x[0-9a-f]{40}$/);
      assert.equal(value, '123456789012345678901234567890');
      assert.match(tx!, /^0x[0-9a-f]{64}$/);
      assert.match(prev!, /^0x[0-9a-f]{64}$/);
      assert.deepEqual([block, time, chain, init], ['42', '1700000000', '7', '1']);
    });

    it('checks keys and values as the protocol does', () => {
      assert.deepEqual(events(call(['valid', 'A_b9', 'x'])), ['key 1 value 1']);
      assert.deepEqual(events(call(['valid', 'bad-key', 'two\nlines'])), ['key 0 value 0']);
      assert.deepEqual(events(call(['valid', 'K'.repeat(129), 'v'.repeat(65537)])), ['key 0 value 0']);
      assert.deepEqual(events(call(['valid', 'K'.repeat(128), 'v'.repeat(65536)])), ['key 1 value 1']);
    });

    it('reads lazily from /qvm/db, or from DB_<KEY> when declared', () => {
      const lazy = call(['get', 'NAME'], { NAME: 'alice' });
      assert.deepEqual(events(lazy), ['NAME=alice']);
      assert.deepEqual(lazy.reads, ['NAME']);
      assert.deepEqual(events(call(['get', 'NAME'], { NAME: 'bob' }, ['NAME'])), ['NAME=bob']);
      assert.deepEqual(events(call(['get', 'NONE'])), ['NONE missing']);
    });

    it('writes, deletes and emits; a bad key, value or event fails the call with one message', () => {
      const w = call(['set', 'K', 'value with spaces = and more']);
      assert.deepEqual(w.writes.map((x) => [x.key, text(x.value)]), [['K', 'value with spaces = and more']]);
      assert.deepEqual(call(['del', 'K'], { K: 'v' }).deletes, ['K']);
      assert.deepEqual(events(call(['event', 'hello world'])), ['hello world']);
      const n = sdk.names;
      for (const [args, message] of [
        [['set', 'bad-key', 'v'], `${n.set}: invalid key "bad-key"`],
        [['set', 'K', 'a\nDBW=EVIL=1'], `${n.set}: invalid value for K (a newline or NUL, or longer than 65536 bytes)`],
        [['del', ''], `${n.del}: invalid key ""`],
        [['event', 'a\nOUT=forged'], `${n.event}: an event is at most 65536 bytes, without a newline`],
        [['get', 'x y'], `${n.get}: invalid key "x y"`],
      ] as const) {
        const r = call([...args]);
        assert.equal(r.status, 'failure', args.join(' '));
        assert.equal(r.failure!.kind, 'stderr');
        assert.equal(text(r.stderr), `${message}\n`);
        assert.deepEqual([r.writes, r.deletes, r.events.length], [[], [], 1]);
      }
    });
  });
}
