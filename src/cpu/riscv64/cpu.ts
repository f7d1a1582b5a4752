/**
 * riscv64 architectural state (one per guest thread).
 *
 * 64-bit values never become BigInt on the hot path: register i is two int32 halves, xl[i] (low)
 * and xh[i] (high), as in the x86-64 CPU, so addresses and comparisons stay plain numbers (see
 * docs/cpu-riscv64.md for the measurements and the alternative). x0 reads as zero because
 * nothing ever writes slot 0: the decoder sends every write to x0 to the sink slot 32.
 *
 * The FP registers live in one buffer seen three ways: raw 32-bit words (fi, NaN boxing and moves
 * keep exact bits), float64 (fd) and float32 (fs, the low word of a register). Arithmetic results
 * are written as numbers only when they are not NaN (a NaN result is always the canonical NaN,
 * written as bits), so the host's NaN handling never reaches the guest.
 */
import type { Memory } from '../../mem/memory.js';
import { Stop } from '../x86_64/cpu.js';

/** Register slot that absorbs writes to x0. */
export const X_SINK = 32;
export const RA = 1, SP = 2, GP = 3, TP = 4, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A7 = 17;

/** fflags bits. */
export const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;

const TWO32 = 4294967296;

// (its run-state fields repeat x86_64/cpu.ts's Cpu on purpose: the interpreters read them in the hot loop, so each CPU stays one flat class)
export class RvCpu {
  readonly xl = new Int32Array(33);
  readonly xh = new Int32Array(33);
  private readonly fbuf = new ArrayBuffer(256);
  /** FP registers as raw words: register i is fi[2i] (low) and fi[2i+1] (high). */
  readonly fi = new Int32Array(this.fbuf);
  readonly fd = new Float64Array(this.fbuf);
  /** float32 view: register i's low word is fs[2i]. */
  readonly fs = new Float32Array(this.fbuf);
  pc = 0;
  /** Accrued exception flags (fflags) and the dynamic rounding mode (frm). */
  fflags = 0;
  frm = 0;
  /** LR/SC: the reserved address, or -1 (see docs/cpu-riscv64.md for the rule). */
  reservation = -1;
  /** Retired instructions (instret, cycle) of the run; the gas meter. */
  icount = 0;
  icountLimit = 0;
  /** Virtual nanoseconds not spent running instructions (sleeps); the machine keeps it current for rdtime. */
  extraNanos = 0;
  stop: Stop = Stop.None;
  /** Address of the instruction being executed. */
  curAddr = 0;

  constructor(readonly mem: Memory) {}

  /** Register as a JS number (exact below 2^53: addresses, counts). */
  getNumber(r: number): number {
    return this.xh[r]! * TWO32 + (this.xl[r]! >>> 0);
  }

  getBig(r: number): bigint {
    return (BigInt(this.xh[r]!) << 32n) | BigInt(this.xl[r]! >>> 0);
  }

  setBig(r: number, v: bigint): void {
    if (r === 0) return;
    this.xl[r] = Number(BigInt.asIntN(32, v));
    this.xh[r] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** Set from an integer-valued number in (-2^53, 2^53). */
  setNumber(r: number, v: number): void {
    if (r === 0) return;
    const hi = Math.floor(v / TWO32);
    this.xl[r] = (v - hi * TWO32) | 0;
    this.xh[r] = hi | 0;
  }

  /** Copy every register (clone). */
  copyFrom(o: RvCpu): void {
    this.xl.set(o.xl);
    this.xh.set(o.xh);
    this.fi.set(o.fi);
    this.pc = o.pc;
    this.fflags = o.fflags;
    this.frm = o.frm;
    this.icount = o.icount;
    this.extraNanos = o.extraNanos;
  }
}
