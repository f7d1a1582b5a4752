/**
 * Bad riscv64 input: instructions of extensions QVM does not implement end the run with SIGILL and
 * a reason naming the encoding, the address and the extension; files of an ABI QVM cannot run
 * (ilp32, big-endian, RV64E) are refused with a one-line error; the misbehaving corpus programs
 * (test/c/bad) die as under qemu-riscv64, out of gas stops at the same instruction every time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfError, runElf } from '../src/machine/run.js';
import { haveQemuRiscv, runQemu, RV_BUILD } from './riscv64-helpers.js';

const BAD = join(RV_BUILD, 'bad');
const skip = existsSync(join(BAD, 'zbb.rv64.O2')) ? false : 'riscv64 bad programs not built (bash test/setup-riscv64.sh)';

function badInsnAddress(path: string): number {
  // the label's address, from the symbol table (riscv64 ELF symbols: 24-byte entries)
  const b = readFileSync(path);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shnum = dv.getUint16(0x3c, true);
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + 64 * i;
    if (dv.getUint32(sh + 4, true) !== 2) continue; // SHT_SYMTAB
    const off = Number(dv.getBigUint64(sh + 24, true)), size = Number(dv.getBigUint64(sh + 32, true));
    const strtab = shoff + 64 * dv.getUint32(sh + 40, true);
    const stroff = Number(dv.getBigUint64(strtab + 24, true));
    for (let s = off; s < off + size; s += 24) {
      let name = '';
      for (let p = stroff + dv.getUint32(s, true); b[p] !== 0; p++) name += String.fromCharCode(b[p]!);
      if (name === 'qvm_bad_insn') return Number(dv.getBigUint64(s + 8, true));
    }
  }
  throw new Error(`no qvm_bad_insn in ${path}`);
}

for (const [prog, enc, what] of [['zbb', '0x60051513', /bit manipulation/], ['vector', '0x00057557', /vector extension \(V\)/]] as const) {
  test(`riscv64 ${prog}: an unimplemented extension raises SIGILL with its encoding, address and reason`, { skip }, () => {
    const path = join(BAD, `${prog}.rv64.O2`);
    const r = runElf(readFileSync(path), { argv: ['contract'], env: [] });
    assert.equal(r.exitCode, 132);
    assert.equal(r.signal, 4);
    const at = badInsnAddress(path).toString(16);
    assert.equal(r.reason?.startsWith(`illegal instruction ${enc} at pc 0x${at}: `), true, r.reason ?? '');
    assert.match(r.reason ?? '', what);
    assert.match(Buffer.from(r.stdout).toString(), /^about to execute/);
  });
}

test('riscv64: segv dies of SIGSEGV as under qemu-riscv64; big_output hits the stdout limit', { skip: skip || (!haveQemuRiscv() && 'qemu-riscv64 missing') }, () => {
  const path = join(BAD, 'segv.rv64.O2');
  const ref = runQemu(path);
  const r = runElf(readFileSync(path), { argv: ['contract'], env: [] });
  assert.equal(r.exitCode, ref.status, r.reason ?? '');
  assert.deepEqual(Buffer.from(r.stdout), ref.stdout);
  assert.match(r.reason ?? '', /^segmentation fault: /);
  const big = runElf(readFileSync(join(BAD, 'big_output.rv64.O2')), { argv: ['contract'], env: [] });
  assert.equal(big.reason, 'stdout limit exceeded (1048576 bytes)');
});

test('riscv64: an endless loop runs out of gas at the same instruction every time', { skip }, () => {
  const bytes = readFileSync(join(BAD, 'infinite_loop.rv64.O2'));
  const a = runElf(bytes, { argv: ['contract'], env: [], gasLimit: 3_000_000 });
  const b = runElf(bytes, { argv: ['contract'], env: [], gasLimit: 3_000_000 });
  assert.match(a.reason ?? '', /^out of gas \(limit 3000000\) at pc 0x[0-9a-f]+$/);
  assert.equal(a.reason, b.reason);
  assert.equal(a.gasUsed, 3_000_000);
  assert.equal(a.instructions, b.instructions);
});

test('riscv64: ilp32, big-endian and RV64E files are refused with a one-line error', { skip }, () => {
  const good = readFileSync(join(BAD, 'segv.rv64.O2'));
  const variant = (f: (b: Uint8Array) => void): Uint8Array => {
    const b = Uint8Array.from(good);
    f(b);
    return b;
  };
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['ilp32 (ELFCLASS32)', variant((b) => { b[4] = 1; }), /^32-bit ELF is not supported$/],
    ['big-endian', variant((b) => { b[5] = 2; }), /^big-endian ELF is not supported$/],
    ['RV64E', variant((b) => { b[48] = b[48]! | 0x8; }), /^riscv64 RV64E .* not supported/],
    ['lp64q', variant((b) => { b[48] = (b[48]! & ~0x6) | 0x6; }), /^riscv64 lp64q .* not supported/],
  ];
  for (const [what, bytes, msg] of cases) {
    assert.throws(() => runElf(bytes, { argv: ['contract'], env: [] }), (e: unknown) => {
      assert.ok(e instanceof ElfError, what);
      assert.match(e.message, msg, what);
      assert.equal(e.message.includes('\n'), false, what);
      return true;
    });
  }
});
