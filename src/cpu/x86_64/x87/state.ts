/**
 * x87 FPU architectural state: eight physical 80-bit registers, TOP, control word, status word,
 * tags and the last opcode; stack push/pop with the hardware's overflow/underflow responses; and
 * the FXSAVE / FNSTENV / FNSAVE images.
 *
 * Registers are kept as raw bits in typed arrays (physical index 0-7); ST(i) is physical
 * (TOP + i) & 7. The tag word is kept as an "empty" bit per physical register: the full 2-bit tags
 * that FNSTENV/FNSAVE store are derived from the register contents, as the hardware does.
 *
 * Exceptions: every exception gets its masked response. When an exception whose mask bit is clear
 * is raised, ES and B are set in the status word, and the next waiting x87 instruction raises
 * SIGFPE (see `checkPending`), as a real CPU does with #MF under Linux. (Unlike the hardware, the
 * faulting instruction still delivers its masked result; see docs/x87.md.)
 */
import { classify, F80, FClass, FpCtx, IE } from './float80.js';

export const FSW_IE = 0x0001, FSW_DE = 0x0002, FSW_ZE = 0x0004, FSW_OE = 0x0008, FSW_UE = 0x0010, FSW_PE = 0x0020;
export const FSW_SF = 0x0040, FSW_ES = 0x0080, FSW_C0 = 0x0100, FSW_C1 = 0x0200, FSW_C2 = 0x0400;
export const FSW_TOP = 0x3800, FSW_C3 = 0x4000, FSW_B = 0x8000;
export const FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3;

/** FCW after FNINIT. */
export const FCW_DEFAULT = 0x037f;

export class X87 {
  /** Physical registers: sign+exponent, significand high and low halves. */
  readonly rse = new Uint16Array(8);
  readonly rhi = new Uint32Array(8);
  readonly rlo = new Uint32Array(8);
  /** Bit i set: physical register i is empty (tag 11). */
  empty = 0xff;
  /** Top-of-stack pointer (0-7). */
  top = 0;
  /** Control word. */
  cw = FCW_DEFAULT;
  /** Status word without the TOP field (bits 11-13 are always zero here; see `fsw`). */
  sw = 0;
  /**
   * FOP as FNSTENV/FNSAVE/FXSAVE store it: the opcode (11 bits: low 3 bits of the first byte, then
   * ModRM) of the last non-control instruction that raised an unmasked exception, 0 after FNINIT.
   * This is Intel's default (fopcode compatibility mode off); AMD stores the last non-control
   * opcode whatever happened. QVM reports GenuineIntel and follows Intel (docs/x87.md).
   */
  fop = 0;
  /** Opcode of the instruction being executed: becomes `fop` if it raises an unmasked exception. */
  insnFop = 0;
  /** Soft-float context for the instruction being executed. */
  readonly ctx = new FpCtx();
  /** Set during an instruction when a stack overflow/underflow happened (SF). */
  stackFault = false;

  // ------------------------------------------------------------------ reset and words

  /** FNINIT state. */
  reset(): void {
    this.cw = FCW_DEFAULT;
    this.sw = 0;
    this.top = 0;
    this.empty = 0xff;
    this.fop = 0;
    this.stackFault = false;
  }

  /** Full status word (with TOP). */
  get fsw(): number {
    return (this.sw & ~FSW_TOP & 0xffff) | (this.top << 11);
  }

  set fsw(v: number) {
    this.top = (v >>> 11) & 7;
    this.sw = v & ~FSW_TOP & 0xffff;
  }

  /** Recompute ES and B from the exception flags and masks. */
  updateSummary(): void {
    if ((this.sw & ~this.cw & 0x3f) !== 0) this.sw |= FSW_ES | FSW_B;
    else this.sw &= ~(FSW_ES | FSW_B);
  }

  /** Full 16-bit tag word, computed from the register contents (FNSTENV, FNSAVE). */
  tagWord(): number {
    let tw = 0;
    for (let p = 0; p < 8; p++) {
      let t: number;
      if ((this.empty >> p) & 1) t = 3;
      else {
        const c = classify(this.rse[p]!, this.rhi[p]!, this.rlo[p]!);
        t = c === FClass.Zero ? 1 : c === FClass.Normal ? 0 : 2;
      }
      tw |= t << (2 * p);
    }
    return tw;
  }

  /** Load a full tag word: only "empty or not" is kept (FLDENV, FRSTOR). */
  setTagWord(tw: number): void {
    let e = 0;
    for (let p = 0; p < 8; p++) if (((tw >> (2 * p)) & 3) === 3) e |= 1 << p;
    this.empty = e;
  }

  /** Abridged tag byte (FXSAVE): bit i set when physical register i is not empty. */
  abridgedTags(): number {
    return ~this.empty & 0xff;
  }

  // ------------------------------------------------------------------ registers

  phys(i: number): number {
    return (this.top + i) & 7;
  }

  isEmpty(i: number): boolean {
    return ((this.empty >> ((this.top + i) & 7)) & 1) !== 0;
  }

  /** Raw read of ST(i) (empty or not). */
  get(i: number, out: F80): F80 {
    const p = (this.top + i) & 7;
    out.se = this.rse[p]!;
    out.hi = this.rhi[p]!;
    out.lo = this.rlo[p]!;
    return out;
  }

  /** Write ST(i) and tag it valid. */
  put(i: number, v: F80): void {
    const p = (this.top + i) & 7;
    this.rse[p] = v.se;
    this.rhi[p] = v.hi;
    this.rlo[p] = v.lo;
    this.empty &= ~(1 << p);
  }

  /** Write raw bits to ST(i) and tag it valid. */
  putBits(i: number, se: number, hi: number, lo: number): void {
    const p = (this.top + i) & 7;
    this.rse[p] = se;
    this.rhi[p] = hi >>> 0;
    this.rlo[p] = lo >>> 0;
    this.empty &= ~(1 << p);
  }

  /** Tag ST(i) empty (FFREE). */
  free(i: number): void {
    this.empty |= 1 << ((this.top + i) & 7);
  }

  /**
   * Push a value. On stack overflow (the new ST(0) is not empty) raises IE+SF with C1=1 and
   * pushes the indefinite NaN instead (masked response). Returns false on overflow.
   */
  push(v: F80): boolean {
    const t = (this.top - 1) & 7;
    this.top = t;
    if (((this.empty >> t) & 1) === 0) {
      this.stackOverflow();
      this.rse[t] = 0xffff;
      this.rhi[t] = 0xc0000000;
      this.rlo[t] = 0;
      return false;
    }
    this.rse[t] = v.se;
    this.rhi[t] = v.hi;
    this.rlo[t] = v.lo;
    this.empty &= ~(1 << t);
    return true;
  }

  /** Would a push overflow? */
  pushWouldOverflow(): boolean {
    return ((this.empty >> ((this.top - 1) & 7)) & 1) === 0;
  }

  /** Pop: tag ST(0) empty and increment TOP. */
  pop(): void {
    this.empty |= 1 << this.top;
    this.top = (this.top + 1) & 7;
  }

  /** Stack underflow: IE + SF, C1 = 0 (the caller applies the masked response). */
  stackUnderflow(): void {
    this.ctx.exc |= IE;
    this.ctx.c1 = 0;
    this.stackFault = true;
  }

  /** Stack overflow: IE + SF, C1 = 1. */
  stackOverflow(): void {
    this.ctx.exc |= IE;
    this.ctx.c1 = 1;
    this.stackFault = true;
  }

  // ------------------------------------------------------------------ instruction bracket

  /** Start an instruction: fresh exception context with the current control word. */
  begin(): FpCtx {
    const c = this.ctx;
    c.cw = this.cw;
    c.exc = 0;
    c.c1 = 0;
    this.stackFault = false;
    return c;
  }

  /**
   * Finish an instruction: merge the raised exceptions into the sticky flags, set SF on a stack
   * fault, write C1 (from ctx.c1) unless `keepC1`, and update ES/B.
   */
  end(keepC1 = false): void {
    let sw = this.sw | (this.ctx.exc & 0x3f);
    if (this.stackFault) sw |= FSW_SF;
    if (!keepC1) sw = (sw & ~FSW_C1) | (this.ctx.c1 ? FSW_C1 : 0);
    this.sw = sw;
    if ((sw & ~this.cw & 0x3f) !== 0) this.sw |= FSW_ES | FSW_B;
    if ((this.ctx.exc & ~this.cw & 0x3f) !== 0) this.fop = this.insnFop;
  }

  /** Set C3 C2 C1 C0 (pass FSW bits). */
  setCC(bits: number): void {
    this.sw = (this.sw & ~FSW_CC) | (bits & FSW_CC);
  }

  // ------------------------------------------------------------------ MMX aliasing

  /** MMX register i = significand of physical register i (low, high halves in `out`). */
  mmxRead(i: number, out: Uint32Array): void {
    out[0] = this.rlo[i & 7]!;
    out[1] = this.rhi[i & 7]!;
  }

  /** MMX write: significand = value, exponent/sign = 0xffff, TOP = 0, all registers valid. */
  mmxWrite(i: number, lo: number, hi: number): void {
    this.mmxEnter();
    this.rlo[i & 7] = lo >>> 0;
    this.rhi[i & 7] = hi >>> 0;
    this.rse[i & 7] = 0xffff;
  }

  /** Any MMX instruction: TOP = 0 and all tags valid. */
  mmxEnter(): void {
    this.top = 0;
    this.empty = 0;
  }

  /** EMMS: all registers empty. */
  emms(): void {
    this.empty = 0xff;
  }

  // ------------------------------------------------------------------ save images

  /**
   * FXSAVE image of the x87 part of a 512-byte area: FCW (0), FSW (2), abridged FTW (4), FOP (6),
   * FIP/FDP (8-23, stored as zero: QVM does not track instruction/data pointers), and
   * ST0-ST7 at 32 + 16*i (10 bytes each, the remaining 6 bytes zero). Bytes 24-31 (MXCSR) are
   * left alone.
   */
  fxsave(area: Uint8Array): void {
    const fsw = this.fsw;
    area[0] = this.cw & 0xff; area[1] = this.cw >>> 8;
    area[2] = fsw & 0xff; area[3] = fsw >>> 8;
    area[4] = this.abridgedTags();
    area[5] = 0;
    area[6] = this.fop & 0xff; area[7] = (this.fop >>> 8) & 7;
    area.fill(0, 8, 24);
    for (let i = 0; i < 8; i++) {
      const off = 32 + 16 * i;
      this.writeReg80(area, off, (this.top + i) & 7);
      area.fill(0, off + 10, off + 16);
    }
  }

  fxrstor(area: Uint8Array): void {
    this.cw = area[0]! | (area[1]! << 8);
    this.fsw = area[2]! | (area[3]! << 8);
    this.empty = ~area[4]! & 0xff;
    this.fop = (area[6]! | (area[7]! << 8)) & 0x7ff;
    for (let i = 0; i < 8; i++) this.readReg80(area, 32 + 16 * i, (this.top + i) & 7);
  }

  /** Write physical register p as 10 bytes (little endian) at buf[off]. */
  writeReg80(buf: Uint8Array, off: number, p: number): void {
    const lo = this.rlo[p]!, hi = this.rhi[p]!, se = this.rse[p]!;
    buf[off] = lo & 0xff; buf[off + 1] = (lo >>> 8) & 0xff; buf[off + 2] = (lo >>> 16) & 0xff; buf[off + 3] = lo >>> 24;
    buf[off + 4] = hi & 0xff; buf[off + 5] = (hi >>> 8) & 0xff; buf[off + 6] = (hi >>> 16) & 0xff; buf[off + 7] = hi >>> 24;
    buf[off + 8] = se & 0xff; buf[off + 9] = se >>> 8;
  }

  readReg80(buf: Uint8Array, off: number, p: number): void {
    this.rlo[p] = (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! << 24)) >>> 0;
    this.rhi[p] = (buf[off + 4]! | (buf[off + 5]! << 8) | (buf[off + 6]! << 16) | (buf[off + 7]! << 24)) >>> 0;
    this.rse[p] = buf[off + 8]! | (buf[off + 9]! << 8);
  }

  /**
   * FNSTENV image. 32-bit format (28 bytes, used in 64-bit mode): FCW, FSW, FTW, each in a 32-bit
   * slot whose upper half reads as 0xffff; FIP (0), FCS (0) with FOP in bits 16-26, FDP (0),
   * FDS (0) with 0xffff above it. 16-bit format (14 bytes, 0x66 prefix): FCW, FSW, FTW, FIP,
   * FOP word (FCS in real mode layout is not modelled: 0), FDP, FDS.
   */
  storeEnv(buf: Uint8Array, off: number, is16: boolean): void {
    const tw = this.tagWord();
    const put16 = (o: number, v: number): void => { buf[off + o] = v & 0xff; buf[off + o + 1] = (v >>> 8) & 0xff; };
    if (is16) {
      buf.fill(0, off, off + 14);
      put16(0, this.cw);
      put16(2, this.fsw);
      put16(4, tw);
      return;
    }
    buf.fill(0, off, off + 28);
    put16(0, this.cw); put16(2, 0xffff);
    put16(4, this.fsw); put16(6, 0xffff);
    put16(8, tw); put16(10, 0xffff);
    put16(18, this.fop & 0x7ff);
    put16(26, 0xffff);
  }

  /** FLDENV: load from a 14/28-byte image. */
  loadEnv(buf: Uint8Array, off: number, is16: boolean): void {
    const get16 = (o: number): number => buf[off + o]! | (buf[off + o + 1]! << 8);
    if (is16) {
      this.cw = get16(0);
      this.fsw = get16(2);
      this.setTagWord(get16(4));
    } else {
      this.cw = get16(0);
      this.fsw = get16(4);
      this.setTagWord(get16(8));
      this.fop = get16(18) & 0x7ff;
    }
    this.updateSummary();
  }
}
