/**
 * Where Intel and AMD hardware differ, QVM follows the vendor its CPUID reports (GenuineIntel).
 * These checks pin QVM's own behaviour, whatever the host is; the differential tests compare
 * the same points with the host only when the host is an Intel CPU (docs/cpu.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuid, CPU_VENDOR } from '../../../src/cpu/x86_64/cpuid.js';
import { DATA, runQvm, type Case } from '../../difftest/harness.js';

function vendorString(): string {
  const [, ebx, ecx, edx] = cpuid(0, 0);
  const word = (v: number): string => String.fromCharCode(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
  return word(ebx) + word(edx) + word(ecx);
}

test('CPUID leaf 0 reports the vendor QVM follows', () => {
  assert.equal(vendorString(), CPU_VENDOR);
  assert.equal(CPU_VENDOR, 'GenuineIntel');
});

function run(code: number[], rcx: bigint): string {
  const c: Case = {
    cls: 'pin', name: 'pin', code: Uint8Array.from(code), mseed: 0, flagsUndef: 0,
    sets: [['r1', rcx.toString(16)], ['r6', (DATA + 0x100).toString(16)], ['r7', (DATA + 0x200).toString(16)]],
  };
  return runQvm(c);
}

test('a32 REP string instruction with ECX = 0 clears the upper half of RCX (Intel)', () => {
  for (const op of [0xa4, 0xaa, 0xac, 0xa6, 0xae]) {
    const out = run([0xf3, 0x67, op], 0x1e87ba5d00000000n);
    assert.match(out, /\br1=0{16}\b/, `rep ${op.toString(16)} a32: ${out}`);
  }
  // with a 64-bit address size a zero count leaves RCX (all 64 bits zero) as it was
  const out64 = run([0xf3, 0xaa], 0n);
  assert.doesNotMatch(out64, /\br1=/, out64);
});

test('a32 REP with a non-zero count ends with RCX zero-extended (both vendors)', () => {
  const out = run([0xf3, 0x67, 0xaa], 0xffff000000000003n);
  assert.match(out, /\br1=0{16}\b/, out);
});
