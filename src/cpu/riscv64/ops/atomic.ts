/**
 * RV64A. Guest threads run one at a time, so every AMO is atomic by construction. LR/SC follows a
 * deterministic reservation rule: LR reserves its address; SC succeeds only if this thread's
 * reservation is still for the same address, and always drops it. The machine drops the
 * reservation whenever the thread is switched out, enters a signal handler or makes a system
 * call, so an LR/SC pair interrupted by anything another thread could observe fails and retries.
 */
import { CpuException, SIGBUS } from '../../x86_64/cpu.js';
import type { RvCpu } from '../cpu.js';
import type { RvInsn } from '../insn.js';

const TWO32 = 4294967296;

function aligned(cpu: RvCpu, i: RvInsn, size: number): number {
  const a = cpu.xh[i.rs1]! * TWO32 + (cpu.xl[i.rs1]! >>> 0);
  // from the low bits: a beyond 2^53 is not exact
  if ((cpu.xl[i.rs1]! & (size - 1)) !== 0) {
    throw new CpuException(SIGBUS, `bus error: misaligned atomic access to 0x${a.toString(16)} at pc 0x${i.addr.toString(16)}`, a, 1);
  }
  return a;
}

export function lrW(cpu: RvCpu, i: RvInsn): void {
  const a = aligned(cpu, i, 4);
  const v = cpu.mem.read32s(a);
  cpu.reservation = a;
  cpu.xl[i.rd] = v;
  cpu.xh[i.rd] = v >> 31;
}
export function lrD(cpu: RvCpu, i: RvInsn): void {
  const a = aligned(cpu, i, 8);
  const lo = cpu.mem.read32s(a);
  cpu.xh[i.rd] = cpu.mem.read32s(a + 4);
  cpu.xl[i.rd] = lo;
  cpu.reservation = a;
}
/** SC's address: no alignment check, a reservation only ever holds an aligned address (as qemu). */
function scAddress(cpu: RvCpu, i: RvInsn): number {
  return cpu.xh[i.rs1]! * TWO32 + (cpu.xl[i.rs1]! >>> 0);
}

export function scW(cpu: RvCpu, i: RvInsn): void {
  const a = scAddress(cpu, i);
  const ok = cpu.reservation === a;
  cpu.reservation = -1;
  if (ok) cpu.mem.write32(a, cpu.xl[i.rs2]!);
  cpu.xl[i.rd] = ok ? 0 : 1;
  cpu.xh[i.rd] = 0;
}
export function scD(cpu: RvCpu, i: RvInsn): void {
  const a = scAddress(cpu, i);
  const ok = cpu.reservation === a;
  cpu.reservation = -1;
  if (ok) cpu.mem.write64(a, cpu.xl[i.rs2]!, cpu.xh[i.rs2]!);
  cpu.xl[i.rd] = ok ? 0 : 1;
  cpu.xh[i.rd] = 0;
}

/** AMO operations (the insn's rm field), on 32-bit values. */
export const enum Amo {
  Swap = 0, Add = 1, Xor = 2, And = 3, Or = 4, Min = 5, Max = 6, Minu = 7, Maxu = 8,
}

function op32(kind: number, a: number, b: number): number {
  switch (kind) {
    case Amo.Swap: return b;
    case Amo.Add: return (a + b) | 0;
    case Amo.Xor: return a ^ b;
    case Amo.And: return a & b;
    case Amo.Or: return a | b;
    case Amo.Min: return a < b ? a : b;
    case Amo.Max: return a > b ? a : b;
    case Amo.Minu: return a >>> 0 < b >>> 0 ? a : b;
    default: return a >>> 0 > b >>> 0 ? a : b;
  }
}

export function amoW(cpu: RvCpu, i: RvInsn): void {
  const a = aligned(cpu, i, 4);
  const mem = cpu.mem;
  mem.checkWritable(a, 4);
  const old = mem.read32s(a);
  mem.write32(a, op32(i.rm, old, cpu.xl[i.rs2]!));
  cpu.xl[i.rd] = old;
  cpu.xh[i.rd] = old >> 31;
}

export function amoD(cpu: RvCpu, i: RvInsn): void {
  const a = aligned(cpu, i, 8);
  const mem = cpu.mem;
  mem.checkWritable(a, 8);
  const ol = mem.read32s(a), oh = mem.read32s(a + 4);
  const bl = cpu.xl[i.rs2]!, bh = cpu.xh[i.rs2]!;
  let nl = bl, nh = bh;
  switch (i.rm) {
    case Amo.Swap: break;
    case Amo.Add:
      nl = (ol + bl) | 0;
      nh = (oh + bh + (nl >>> 0 < ol >>> 0 ? 1 : 0)) | 0;
      break;
    case Amo.Xor: nl = ol ^ bl; nh = oh ^ bh; break;
    case Amo.And: nl = ol & bl; nh = oh & bh; break;
    case Amo.Or: nl = ol | bl; nh = oh | bh; break;
    default: {
      const signed = i.rm === Amo.Min || i.rm === Amo.Max;
      const less = signed
        ? oh < bh || (oh === bh && ol >>> 0 < bl >>> 0)
        : oh >>> 0 < bh >>> 0 || (oh === bh && ol >>> 0 < bl >>> 0);
      const takeOld = i.rm === Amo.Min || i.rm === Amo.Minu ? less : !less && !(oh === bh && ol === bl);
      if (takeOld) { nl = ol; nh = oh; }
    }
  }
  mem.write64(a, nl, nh);
  cpu.xl[i.rd] = ol;
  cpu.xh[i.rd] = oh;
}
