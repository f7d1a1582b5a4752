/**
 * The JavaScript side of translated regions: the imports their wasm calls (memory slow paths,
 * interpreter handlers for forms the translator does not emit, flag evaluation), and the moving of
 * the lazy flags between a Cpu's fields and its register file's exchange area.
 *
 * One Runtime serves every region of the realm: `cpu` is set by the region runner before each
 * entry, and `insns` is the table of the region being run (handler calls name an index in it).
 */
import { Cpu, X_FA, X_FB, X_FCIN, X_FOP, X_FRES, X_FSIZE, X_EFLAGS, X_RIP, X_COUNT, Stop } from '../cpu.js';
import type { Insn } from '../insn.js';

/** Exchange slots used only by the slow paths (after the X_* of cpu.ts). */
export const X_VAL = 14;

/** Status codes returned by imports and by a region. */
export const enum Exit {
  /** Normal exit: RIP and count in the exchange area. */
  Ok = 0,
  /** cpu.stop was set (code invalidated, or a handler stopped the loop): RIP in the exchange area. */
  Stop = 1,
  /** An exception is pending in Runtime.error: RIP (the faulting instruction) in the exchange area. */
  Fault = 2,
}

const TWO32 = 4294967296;

/** Flags from the exchange area into the Cpu's lazy-flag fields. */
export function flagsIn(cpu: Cpu): void {
  const x = cpu.x;
  cpu.fOp = x[X_FOP]!;
  cpu.fSize = x[X_FSIZE]!;
  cpu.fALo = x[X_FA]! >>> 0; cpu.fAHi = x[X_FA + 1]! >>> 0;
  cpu.fBLo = x[X_FB]! >>> 0; cpu.fBHi = x[X_FB + 1]! >>> 0;
  cpu.fResLo = x[X_FRES]! >>> 0; cpu.fResHi = x[X_FRES + 1]! >>> 0;
  cpu.fCin = x[X_FCIN]!;
  cpu.eflags = x[X_EFLAGS]!;
}

/** The Cpu's lazy-flag fields into the exchange area. */
export function flagsOut(cpu: Cpu): void {
  const x = cpu.x;
  x[X_FOP] = cpu.fOp;
  x[X_FSIZE] = cpu.fSize;
  x[X_FA] = cpu.fALo; x[X_FA + 1] = cpu.fAHi;
  x[X_FB] = cpu.fBLo; x[X_FB + 1] = cpu.fBHi;
  x[X_FRES] = cpu.fResLo; x[X_FRES + 1] = cpu.fResHi;
  x[X_FCIN] = cpu.fCin;
  x[X_EFLAGS] = cpu.eflags;
}

/** An address as cpu.ea computes it from wasm's i64 halves (hi signed, as the interpreter's). */
function addrOf(lo: number, hi: number): number {
  return (hi | 0) * TWO32 + (lo >>> 0);
}

export class Runtime {
  cpu: Cpu | null = null;
  insns: readonly Insn[] = [];
  /** cpu.icount at region entry (handler calls bring it up to date). */
  base = 0;
  /** The exception a slow path or handler raised, for the runner to rethrow. */
  error: unknown = null;

  private fail(e: unknown, at: number): number {
    this.error = e;
    const x = this.cpu!.x;
    x[X_RIP] = at % TWO32; x[X_RIP + 1] = Math.floor(at / TWO32);
    return Exit.Fault;
  }

  /** Run instruction k's handler as the interpreter loop would, `count` instructions into the region. */
  private exec(k: number, count: number): number {
    const cpu = this.cpu!;
    const insn = this.insns[k]!;
    cpu.icount = this.base + count;
    cpu.curAddr = insn.addr;
    cpu.rip = insn.nextAddr;
    try {
      insn.exec(cpu, insn);
    } catch (e) {
      return this.fail(e, insn.addr);
    }
    if (cpu.stop === Stop.None && cpu.rip === insn.nextAddr) return Exit.Ok;
    const x = cpu.x;
    x[X_RIP] = cpu.rip % TWO32; x[X_RIP + 1] = Math.floor(cpu.rip / TWO32);
    return Exit.Stop;
  }

  /** The imports of every region module (names as the encoder's import list). */
  readonly imports = {
    /** Read `size` bytes (8: low half first, like loadR64; 9: high half first, like cpu.read). */
    rd: (lo: number, hi: number, size: number, k: number): number => {
      const cpu = this.cpu!;
      const a = addrOf(lo, hi);
      try {
        const mem = cpu.mem;
        const x = cpu.x;
        switch (size) {
          case 1: x[X_VAL] = mem.read8(a); x[X_VAL + 1] = 0; break;
          case 2: x[X_VAL] = mem.read16(a); x[X_VAL + 1] = 0; break;
          case 4: x[X_VAL] = mem.read32(a); x[X_VAL + 1] = 0; break;
          case 8: { const l = mem.read32(a); x[X_VAL + 1] = mem.read32(a + 4); x[X_VAL] = l; break; }
          default: { const h = mem.read32(a + 4); x[X_VAL] = mem.read32(a); x[X_VAL + 1] = h; break; }
        }
        return Exit.Ok;
      } catch (e) {
        return this.fail(e, this.insns[k]!.addr);
      }
    },
    /** Write `size` bytes; Stop when the write hit decoded code (RIP: the next instruction). */
    wr: (lo: number, hi: number, size: number, vlo: number, vhi: number, k: number): number => {
      const cpu = this.cpu!;
      const a = addrOf(lo, hi);
      const insn = this.insns[k]!;
      try {
        const mem = cpu.mem;
        switch (size) {
          case 1: mem.write8(a, vlo); break;
          case 2: mem.write16(a, vlo); break;
          case 4: mem.write32(a, vlo); break;
          default: mem.write64(a, vlo >>> 0, vhi >>> 0); break;
        }
      } catch (e) {
        return this.fail(e, insn.addr);
      }
      if (cpu.stop === Stop.None) return Exit.Ok;
      const x = cpu.x;
      x[X_RIP] = insn.nextAddr % TWO32; x[X_RIP + 1] = Math.floor(insn.nextAddr / TWO32);
      return Exit.Stop;
    },
    /**
     * Run instruction k with its interpreter handler: registers are in the register file and the
     * flags in the exchange area (wasm stored them), `count` instructions of the region retired.
     */
    h: (k: number, count: number): number => {
      const cpu = this.cpu!;
      flagsIn(cpu);
      const status = this.exec(k, count);
      // also after a fault: the handler may have set flags before it faulted, and wasm reloads them
      flagsOut(cpu);
      return status;
    },
    /**
     * Run instruction k with its handler when it touches no general register but its address
     * registers (stored by wasm) and no arithmetic flag (forms.ts pureHandler): no state moves.
     */
    hp: (k: number, count: number): number => this.exec(k, count),
  };
}

export const runtime = new Runtime();

/** Count retired by the region's last run (the exchange area's count). */
export function exitCount(cpu: Cpu): number {
  return cpu.x[X_COUNT]!;
}
