/**
 * The integer core's wide arithmetic (64×64→128 multiply, 128/64 and 64/64 division) against
 * BigInt as the reference, on random and edge operands (powers of two, all-ones, small values,
 * INT64_MIN / -1 overflow).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divU128, divS128, divResult, mul64, imul64, wide } from '../../../src/cpu/x86_64/ops/arith.js';

const M64 = (1n << 64n) - 1n;
let seed = 0x243f6a8885a308d3n;
function next(): bigint {
  seed = (seed * 6364136223846793005n + 1442695040888963407n) & M64;
  return seed;
}
function operand(): bigint {
  const v = next();
  switch (Number(next() % 7n)) {
    case 0: return v;
    case 1: return v >> (next() % 64n);
    case 2: return v & 0xffffffffn;
    case 3: return M64 - (v >> (next() % 64n));
    case 4: return 1n << (next() % 64n);
    case 5: return v % 1000n;
    default: return 0x8000000000000000n;
  }
}
const lo = (x: bigint): number => Number(x & 0xffffffffn);
const hi = (x: bigint): number => Number((x >> 32n) & 0xffffffffn);
const pair = (a: number, b: number): bigint => BigInt(a) | (BigInt(b) << 32n);

test('64/64 and 128/64 unsigned division match BigInt', () => {
  for (let k = 0; k < 50000; k++) {
    const n = operand(), d = operand();
    const top = k % 3 === 0 ? next() % (d === 0n ? 1n : d) : 0n; // some full 128-bit dividends
    const ok = divU128(lo(n), hi(n), lo(top), hi(top), lo(d), hi(d));
    if (d === 0n) { assert.equal(ok, false); continue; }
    const full = (top << 64n) | n;
    assert.equal(ok, true);
    assert.equal(pair(divResult[0]!, divResult[1]!), full / d, `q ${full}/${d}`);
    assert.equal(pair(divResult[2]!, divResult[3]!), full % d, `r ${full}%${d}`);
  }
});

test('signed division of sign-extended dividends matches BigInt, with #DE on overflow', () => {
  for (let k = 0; k < 50000; k++) {
    const n = BigInt.asIntN(64, operand()), d = BigInt.asIntN(64, operand());
    const ext = n < 0n ? 0xffffffff : 0;
    const un = BigInt.asUintN(64, n), ud = BigInt.asUintN(64, d);
    const ok = divS128(lo(un), hi(un), ext, ext, lo(ud), hi(ud));
    if (d === 0n) { assert.equal(ok, false); continue; }
    const q = n / d;
    const fits = q <= 0x7fffffffffffffffn && q >= -0x8000000000000000n;
    assert.equal(ok, fits, `${n}/${d}`);
    if (!ok) continue;
    assert.equal(BigInt.asIntN(64, pair(divResult[0]!, divResult[1]!)), q);
    assert.equal(BigInt.asIntN(64, pair(divResult[2]!, divResult[3]!)), n % d);
  }
});

test('64×64→128 multiply, unsigned and signed, matches BigInt', () => {
  for (let k = 0; k < 50000; k++) {
    const a = operand(), b = operand();
    mul64(null, lo(a), hi(a), lo(b), hi(b));
    const got = pair(wide[0]!, wide[1]!) | (pair(wide[2]!, wide[3]!) << 64n);
    assert.equal(got, a * b);
    // callers pass int32 views; the result must not change
    imul64(null, lo(a) | 0, hi(a) | 0, lo(b) | 0, hi(b) | 0);
    const s = BigInt.asIntN(64, a) * BigInt.asIntN(64, b);
    const gotS = pair(wide[0]!, wide[1]!) | (pair(wide[2]!, wide[3]!) << 64n);
    assert.equal(gotS, BigInt.asUintN(128, s));
  }
});
