/**
 * Zicsr with the user-level CSRs a Linux program can reach: fflags, frm, fcsr, and the read-only
 * counters cycle and instret (retired instructions) and time (virtual nanoseconds: a 1 GHz
 * timebase, so it agrees with the kernel's clocks). Anything else is an illegal instruction.
 */
import type { RvCpu } from '../cpu.js';
import type { RvInsn } from '../insn.js';
import { illegal } from './fpregs.js';

const FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003, CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02;

/** insn.rm: 1 csrrw, 2 csrrs, 3 csrrc; +4 for the immediate forms (rs1 is then the 5-bit value). */
export function csr(cpu: RvCpu, i: RvInsn): void {
  const n = i.imm;
  const op = i.rm & 3;
  const src = i.rm & 4 ? i.rs1 : cpu.xl[i.rs1]!;
  // csrrs/csrrc with x0 (or a zero immediate) only read
  const writes = op === 1 || i.rs1 !== 0;
  let lo: number, hi = 0;
  switch (n) {
    case FFLAGS: lo = cpu.fflags; break;
    case FRM: lo = cpu.frm; break;
    case FCSR: lo = (cpu.frm << 5) | cpu.fflags; break;
    case CYCLE:
    case INSTRET:
    case TIME: {
      if (writes) throw illegal(i, `CSR 0x${n.toString(16)} is read-only`);
      const v = n === TIME ? cpu.icount + cpu.extraNanos : cpu.icount;
      hi = Math.floor(v / 4294967296);
      lo = (v - hi * 4294967296) | 0;
      break;
    }
    default:
      throw illegal(i, `CSR 0x${n.toString(16)} is not available in user mode`);
  }
  if (writes) {
    const next = op === 1 ? src : op === 2 ? lo | src : lo & ~src;
    switch (n) {
      case FFLAGS: cpu.fflags = next & 0x1f; break;
      case FRM: cpu.frm = next & 7; break;
      default:
        cpu.fflags = next & 0x1f;
        cpu.frm = (next >>> 5) & 7;
    }
  }
  cpu.xl[i.rd] = lo;
  cpu.xh[i.rd] = hi;
}
