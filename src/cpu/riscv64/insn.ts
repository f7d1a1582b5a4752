/**
 * A decoded riscv64 instruction: everything its handler needs, computed once per address (the
 * code cache keeps it). Compressed instructions are expanded to their 32-bit equivalent at decode
 * time and differ only in `len`. Plain fields only, so a translator can read them as constants.
 */
import type { RvCpu } from './cpu.js';

export type RvHandler = (cpu: RvCpu, insn: RvInsn) => void;

// (fields like x86_64/insn.ts's Insn, not shared with it: each decoded-instruction class keeps one flat, monomorphic shape for its hot loop)
export class RvInsn {
  addr = 0;
  /** 2 (compressed) or 4. */
  len = 4;
  nextAddr = 0;
  exec: RvHandler;
  /** Destination slot (X_SINK for x0) and sources. */
  rd = 0;
  rs1 = 0;
  rs2 = 0;
  rs3 = 0;
  /** Sign-extended immediate (or shift amount, CSR number). */
  imm = 0;
  /** High half of imm sign-extended to 64 bits (0 or -1). */
  immHi = 0;
  /** Branch/jump target (addr + offset). */
  target = 0;
  /** Rounding-mode field (FP) or other handler constant. */
  rm = 0;
  /** Why the encoding is illegal (handler raising SIGILL). */
  why = '';
  /** The encoding as fetched (16 or 32 bits), for diagnostics. */
  raw = 0;
  /** Ends a straight-line run (branch, jump, ecall, ebreak, fence.i). */
  term = false;
  nextInsn: RvInsn | null = null;
  jumpInsn: RvInsn | null = null;

  constructor(exec: RvHandler) {
    this.exec = exec;
  }
}
