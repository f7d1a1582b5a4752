/**
 * A decoded x86-64 instruction. Decoding happens once per address; the code cache keeps the
 * result, so everything the executor needs is precomputed here (no re-parsing of bytes).
 */
import type { Cpu } from './cpu.js';
import type { Region } from './wasm/region.js';

export type Handler = (cpu: Cpu, insn: Insn) => void;

/** `base` value meaning RIP-relative addressing. */
export const BASE_RIP = 16;
export const NO_REG = -1;

export const SEG_NONE = 0;
export const SEG_FS = 4;
export const SEG_GS = 5;

/**
 * Opcode numbering: one-byte map 0x00-0xff, two-byte map 0x0f00|b, three-byte maps 0x0f3800|b and 0x0f3a00|b.
 */
export const MAP_0F = 0x0f00;
export const MAP_0F38 = 0x0f3800;
export const MAP_0F3A = 0x0f3a00;

export class Insn {
  /** Address of the first byte. */
  addr = 0;
  /** Length in bytes (1-15). */
  len = 0;
  /** Address of the following instruction (addr + len): RIP as the instruction sees it. */
  nextAddr = 0;
  exec: Handler;
  /** Opcode including its map (see MAP_*). */
  op = 0;
  /** Operand size in bytes: 1, 2, 4 or 8. */
  opSize = 4;
  /** Address size in bytes: 4 (0x67 prefix) or 8. */
  addrSize = 8;
  /** Any REX prefix present (byte registers 4-7 are SPL..DIL rather than AH..BH). */
  hasRex = false;
  rexW = false;
  /** Mandatory/SIMD prefix: 0, 0x66, 0xf2 or 0xf3 (the last of F2/F3 wins over 66). */
  prefix = 0;
  /** Repeat prefix as written: 0, 0xf2 (repne) or 0xf3 (rep/repe). */
  rep = 0;
  /** 0x66 operand-size prefix present. */
  opsizePrefix = false;
  lock = false;
  /** Segment override: SEG_NONE, SEG_FS or SEG_GS (CS/DS/ES/SS overrides are no-ops in 64-bit mode). */
  seg = SEG_NONE;
  /** ModRM fields (valid when hasModRM). */
  hasModRM = false;
  mod = 0;
  /** ModRM.reg extended by REX.R (0-15). */
  reg = 0;
  /** ModRM.reg low three bits (the /digit opcode extension). */
  regOp = 0;
  /** ModRM.rm extended by REX.B (0-15); meaningful when mod === 3. */
  rm = 0;
  /** Memory operand: base register (0-15, BASE_RIP, or NO_REG), index (0-15 or NO_REG), scale, displacement. */
  base = NO_REG;
  index = NO_REG;
  scale = 1;
  disp = 0;
  /** Immediate: low 32 bits (unsigned) and high 32 bits, already sign- or zero-extended to the operand size. */
  imm = 0;
  immHi = 0;
  /** Second immediate (ENTER's imm8). */
  imm2 = 0;
  /** Branch target (relative jumps/calls), precomputed. */
  target = 0;
  /** Handler-specific constant chosen at decode time (ALU kind, condition code, shift kind...). */
  aux = 0;
  /** Register encoded in the low opcode bits (push/pop/mov/xchg/bswap r), extended by REX.B. */
  opReg = 0;
  /** Link to the instruction decoded at nextAddr, filled by the code cache. */
  nextInsn: Insn | null = null;
  /** Link to the last non-fallthrough successor (taken branch, call or return target). */
  jumpInsn: Insn | null = null;
  /** Raw bytes, kept for diagnostics (unimplemented instruction reasons, traces). */
  bytes: Uint8Array = EMPTY;
  /** A decoded block ends after it (the opcode table's endsBlock fact, set by decode). */
  term = false;
  /** Times this instruction started a run at a block head (see jit.ts). */
  hits = 0;
  /** Compiled block starting here, its length in instructions and its last instruction. */
  block: ((cpu: Cpu) => void) | null = null;
  blockLen = 0;
  blockTail: Insn | null = null;
  /** WebAssembly region entered here (wasm/region.ts), the block it enters at and that block's length. */
  region: Region | null = null;
  regionEntry = 0;
  regionLen = 0;

  constructor(exec: Handler) {
    this.exec = exec;
  }

  get isMem(): boolean {
    return this.hasModRM && this.mod !== 3;
  }
}

const EMPTY = new Uint8Array(0);
