/**
 * Bad input and misbehaving programs. The VM itself never dies:
 *  - malformed or unsupported ELF files make `qvm run` exit non-zero with one line on stderr that
 *    names the problem, and no stack trace;
 *  - programs that loop forever, flood stdout, fault or execute an unsupported instruction end
 *    with a clear reason, deterministically (test/c/bad/*.c, built by test/setup.sh).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runElf } from '../src/machine/run.js';
import { BUILD, CLI } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'qvm-badinput-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

function read(path: string): Buffer {
  assert.ok(existsSync(path), `${path} is missing: run bash test/setup.sh`);
  return readFileSync(path);
}

function cli(file: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'run', file], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectRefused(name: string, bytes: Uint8Array | null, pattern: RegExp, path?: string): void {
  test(`bad input: ${name} is refused with a one-line error`, () => {
    const file = path ?? join(work, name.replace(/[^a-z0-9]+/gi, '_'));
    if (bytes) writeFileSync(file, bytes);
    const r = cli(file);
    assert.notEqual(r.status, 0, `${name}: exit status should be non-zero`);
    assert.equal(r.stdout, '', `${name}: nothing on stdout`);
    assert.ok(!r.stderr.includes('    at '), `${name}: stack trace on stderr:\n${r.stderr}`);
    const lines = r.stderr.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, 1, `${name}: expected exactly one line on stderr, got:\n${r.stderr}`);
    assert.match(lines[0]!, pattern, `${name}: the error should name the problem`);
  });
}

const hello = (): Buffer => read(join(BUILD, 'hello.musl.O2'));

expectRefused('bad magic', Buffer.from('#!/bin/sh\necho this is a shell script, not an ELF\n'.padEnd(200, '#')), /ELF/);
expectRefused('empty file', new Uint8Array(0), /ELF|empty|truncated/i);
{
  // A 32-bit i386 executable header (ELFCLASS32), padded to a plausible size.
  const b = Buffer.alloc(256);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(3, 18); // EM_386
  b.writeUInt32LE(1, 20);
  expectRefused('32-bit ELF', b, /32-bit/);
}
test('bad input: truncated ELF files are refused', () => {
  for (const len of [40, 100, 2000]) {
    const file = join(work, `truncated_${len}`);
    writeFileSync(file, hello().subarray(0, len));
    const r = cli(file);
    assert.notEqual(r.status, 0, `truncated to ${len} bytes: exit status should be non-zero`);
    assert.ok(!r.stderr.includes('    at '), `stack trace on stderr:\n${r.stderr}`);
    const lines = r.stderr.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, 1, `truncated to ${len} bytes: expected one line on stderr, got:\n${r.stderr}`);
    assert.match(lines[0]!, /truncated|past end of file|end of file/i, `truncated to ${len} bytes`);
  }
});
{
  // hello with e_machine patched to AArch64 (183).
  const b = Buffer.from(hello());
  b.writeUInt16LE(183, 18);
  expectRefused('wrong machine (aarch64)', b, /architecture/i);
}
expectRefused('dynamically linked binary', null, /dynamic/i, join(BUILD, 'hello.dynamic'));
expectRefused('missing file', null, /no such file|cannot read/i, join(work, 'does-not-exist'));

// ---- misbehaving programs (runElf directly)

const bad = (name: string): Buffer => read(join(BUILD, 'bad', `${name}.musl.O2`));

/** Address of a symbol in a (non-stripped) 64-bit little-endian ELF, from .symtab. */
function symbolAddress(elf: Buffer, name: string): number {
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    if (elf.readUInt32LE(sh + 4) !== 2) continue; // SHT_SYMTAB
    const off = Number(elf.readBigUInt64LE(sh + 0x18));
    const size = Number(elf.readBigUInt64LE(sh + 0x20));
    const link = elf.readUInt32LE(sh + 0x28);
    const strOff = Number(elf.readBigUInt64LE(shoff + link * shentsize + 0x18));
    for (let s = off; s < off + size; s += 24) {
      const nameOff = elf.readUInt32LE(s);
      const end = elf.indexOf(0, strOff + nameOff);
      if (elf.toString('latin1', strOff + nameOff, end) === name) return Number(elf.readBigUInt64LE(s + 8));
    }
  }
  throw new Error(`symbol ${name} not found`);
}

test('infinite loop runs out of gas at a deterministic point', () => {
  const elf = bad('infinite_loop');
  const gasLimit = 3_000_000;
  const a = runElf(elf, { argv: ['contract'], env: [], gasLimit });
  assert.match(a.reason ?? '', /out of gas/, `reason was ${JSON.stringify(a.reason)}`);
  assert.equal(a.gasUsed, gasLimit);
  assert.notEqual(a.exitCode, 0);
  assert.equal(Buffer.from(a.stdout).toString(), 'looping forever\n');
  const b = runElf(elf, { argv: ['contract'], env: [], gasLimit });
  assert.equal(b.instructions, a.instructions, 'two runs must stop at the same instruction');
  assert.deepEqual(b, a);
  // a different limit stops somewhere else, also exactly at the limit
  const c = runElf(elf, { argv: ['contract'], env: [], gasLimit: gasLimit + 12345 });
  assert.equal(c.gasUsed, gasLimit + 12345);
  assert.ok(c.instructions > a.instructions);
});

test('writing more than the stdout limit ends the run with a reason about the limit', () => {
  const elf = bad('big_output');
  for (const limits of [{ stdoutBytes: 10_000 }, {}]) {
    const r = runElf(elf, { argv: ['contract'], env: [], gasLimit: 2_000_000_000, limits });
    assert.match(r.reason ?? '', /(stdout|output).*limit|limit.*(stdout|output)/i, `reason was ${JSON.stringify(r.reason)}`);
    assert.notEqual(r.exitCode, 0);
    const cap = limits.stdoutBytes ?? 1024 * 1024;
    assert.ok(r.stdout.length <= cap, `kept ${r.stdout.length} bytes, limit ${cap}`);
  }
});

test('dereferencing an unmapped address is a segmentation fault (139, signal 11)', () => {
  const r = runElf(bad('segv'), { argv: ['contract'], env: [], gasLimit: 100_000_000 });
  assert.equal(r.signal, 11);
  assert.equal(r.exitCode, 139);
  assert.match(r.reason ?? '', /segmentation fault/i);
  assert.equal(Buffer.from(r.stdout).toString(), 'about to fault\n');
});

for (const name of ['ud2', 'avx']) {
  test(`${name}: an unsupported instruction raises SIGILL naming its address`, () => {
    const elf = bad(name);
    const addr = symbolAddress(elf, 'qvm_bad_insn');
    const r = runElf(elf, { argv: ['contract'], env: [], gasLimit: 100_000_000 });
    assert.equal(r.signal, 4, `reason ${JSON.stringify(r.reason)}`);
    assert.equal(r.exitCode, 132);
    assert.ok(
      (r.reason ?? '').toLowerCase().includes(addr.toString(16)),
      `reason ${JSON.stringify(r.reason)} should name the address 0x${addr.toString(16)}`,
    );
    assert.match(Buffer.from(r.stdout).toString(), /^about to execute/);
  });
}
