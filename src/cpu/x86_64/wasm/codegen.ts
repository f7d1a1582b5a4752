/**
 * Code generation for one region: the function skeleton (guest registers and lazy flags as wasm
 * locals, loaded at entry and stored at every exit), structured-control bookkeeping, guest memory
 * access through the inline TLB, condition evaluation, and calls of interpreter handlers.
 * The per-form emitters (forms.ts) are written against this class.
 */
import { Fn, Op, T } from './encoder.js';
import { FILE_HI, FILE_LO, FILE_X, X_EFLAGS, X_FA, X_FB, X_FCIN, X_FOP, X_FRES, X_FSIZE, X_RIP, X_COUNT, FlagOp } from '../cpu.js';
import { TLB_R_FRAME, TLB_R_TAG, TLB_W_FRAME, TLB_W_TAG } from '../../../mem/memory.js';
import { Exit, X_VAL } from './runtime.js';
import { BASE_RIP, NO_REG, SEG_FS, type Insn } from '../insn.js';

/** Exchange slot (int32 index) of the FS and GS bases, written by the runner at entry. */
export const X_FS = 16, X_GS = 18;

/** Function indices of the imports (order of IMPORTS in region.ts). */
export const enum Imp { Rd = 0, Wr = 1, H = 2, Hp = 3 }
/** Function index of the flags helper (flagsFn), after the imports and the region function. */
export const FLAGS_FN = 5;

/**
 * The helper deriving the six arithmetic flags from the lazy state, step for step as Cpu's flag
 * getters: (fop, fsize, fa, fb, fres, fcin, eflags) -> RFLAGS bits.
 */
export function flagsFn(): Fn {
  const f = new Fn([T.I32, T.I32, T.I64, T.I64, T.I64, T.I32, T.I32], [T.I32]);
  const [fop, fsize, fa, fb, fres, fcin, efl] = [0, 1, 2, 3, 4, 5, 6];
  const m = f.local(T.I64), a = f.local(T.I64), b = f.local(T.I64), r = f.local(T.I64), sh = f.local(T.I64), out = f.local(T.I32);
  f.get(fop).op(Op.I32Eqz).if().get(efl).op(Op.Return).end();
  // size mask and sign-bit position
  f.get(fsize).i32(3).op(Op.I32Shl).op(Op.I64ExtendI32U).set(sh);
  f.i64(-1, -1).get(fsize).i32(8).op(Op.I32Eq).if(T.I64).i64(0, 0).else().i64(-1, -1).get(sh).op(Op.I64Shl).end().op(Op.I64Xor).set(m);
  f.get(fa).get(m).op(Op.I64And).set(a);
  f.get(fb).get(m).op(Op.I64And).set(b);
  f.get(fres).get(m).op(Op.I64And).set(r);
  // ZF, SF, PF
  f.get(r).op(Op.I64Eqz).i32(6).op(Op.I32Shl);
  f.get(r).get(sh).i64(1, 0).op(Op.I64Sub).op(Op.I64ShrU).op(Op.I32WrapI64).i32(7).op(Op.I32Shl).op(Op.I32Or);
  f.get(fres).op(Op.I32WrapI64).i32(0xff).op(Op.I32And).op(Op.I32Popcnt).i32(1).op(Op.I32And).i32(1).op(Op.I32Xor).i32(2).op(Op.I32Shl).op(Op.I32Or);
  f.set(out);
  f.get(fop).i32(FlagOp.Logic).op(Op.I32Eq).if().get(out).op(Op.Return).end();
  // AF
  f.get(fa).get(fb).op(Op.I64Xor).get(fres).op(Op.I64Xor).op(Op.I32WrapI64).i32(0x10).op(Op.I32And).get(out).op(Op.I32Or).set(out);
  // OF: sign of (a^r)&(b^r) for the additions, (a^b)&(a^r) for the subtractions
  const sign = (): void => { f.get(sh).i64(1, 0).op(Op.I64Sub).op(Op.I64ShrU).op(Op.I32WrapI64).i32(1).op(Op.I32And).i32(11).op(Op.I32Shl); };
  const isAdd = (): void => {
    f.get(fop).i32(FlagOp.Add).op(Op.I32Eq).get(fop).i32(FlagOp.Adc).op(Op.I32Eq).op(Op.I32Or).get(fop).i32(FlagOp.Inc).op(Op.I32Eq).op(Op.I32Or);
  };
  isAdd();
  f.if(T.I64);
  f.get(fa).get(fres).op(Op.I64Xor).get(fb).get(fres).op(Op.I64Xor).op(Op.I64And);
  f.else();
  f.get(fa).get(fb).op(Op.I64Xor).get(fa).get(fres).op(Op.I64Xor).op(Op.I64And);
  f.end();
  sign();
  f.get(out).op(Op.I32Or).set(out);
  // CF
  f.get(fop).i32(FlagOp.Inc).op(Op.I32Eq).get(fop).i32(FlagOp.Dec).op(Op.I32Eq).op(Op.I32Or);
  f.if(T.I32).get(fcin).i32(0).op(Op.I32Ne);
  f.else();
  f.get(fop).i32(FlagOp.Add).op(Op.I32Eq).get(fop).i32(FlagOp.Adc).op(Op.I32Eq).op(Op.I32Or);
  f.if(T.I32);
  f.get(r).get(a).op(Op.I64LtU);
  f.get(fop).i32(FlagOp.Adc).op(Op.I32Eq).get(fcin).i32(0).op(Op.I32Ne).op(Op.I32And).get(r).get(a).op(Op.I64Eq).op(Op.I32And);
  f.op(Op.I32Or);
  f.else();
  f.get(a).get(b).op(Op.I64LtU);
  f.get(fop).i32(FlagOp.Sbb).op(Op.I32Eq).get(fcin).i32(0).op(Op.I32Ne).op(Op.I32And).get(a).get(b).op(Op.I64Eq).op(Op.I32And);
  f.op(Op.I32Or);
  f.end();
  f.end();
  f.get(out).op(Op.I32Or);
  return f;
}

const TWO32 = 4294967296;

/** Halves of a JS integer (|n| < 2^53) as a 64-bit two's complement value. */
export function halves(n: number): [number, number] {
  const hi = Math.floor(n / TWO32);
  return [(n - hi * TWO32) >>> 0, hi | 0];
}

/** What the flag locals are known to hold at this point of a block (for inline conditions). */
export interface Known {
  op: FlagOp;
  size: number;
}

export class Gen {
  readonly f = new Fn([T.I32, T.I32, T.I32, T.I32], [T.I32]);
  readonly file = 0;
  readonly tlb = 1;
  readonly budget = 2;
  /** Parameter: the block to start at (regions are entered at any of their hot block heads). */
  readonly entry = 3;
  readonly r: number[] = [];
  readonly fop: number; readonly fsize: number; readonly fa: number; readonly fb: number; readonly fres: number;
  readonly fcin: number; readonly efl: number;
  readonly cnt: number; readonly pc: number; readonly exitRip: number; readonly code: number;
  /** Scratch: address, page number, value, temporaries. */
  readonly ad: number; readonly pn: number; readonly v: number; readonly t1: number; readonly t2: number;
  readonly slot: number; readonly off: number; readonly s: number;
  /** ALU operands. */
  readonly la: number; readonly lb: number;
  /** Open structured constructs; a label is the depth at which it was opened. */
  depth = 0;
  exitLabel = -1;
  known: Known | null = null;
  /** Index (in the region's insn table) and in-block position of the instruction being emitted. */
  k = 0;
  pos = 0;

  constructor() {
    const f = this.f;
    for (let i = 0; i < 16; i++) this.r.push(f.local(T.I64));
    this.fa = f.local(T.I64); this.fb = f.local(T.I64); this.fres = f.local(T.I64);
    this.exitRip = f.local(T.I64);
    this.ad = f.local(T.I64); this.pn = f.local(T.I64); this.v = f.local(T.I64); this.t1 = f.local(T.I64); this.t2 = f.local(T.I64);
    this.fop = f.local(T.I32); this.fsize = f.local(T.I32); this.fcin = f.local(T.I32); this.efl = f.local(T.I32);
    this.cnt = f.local(T.I32); this.pc = f.local(T.I32); this.code = f.local(T.I32);
    this.slot = f.local(T.I32); this.off = f.local(T.I32); this.s = f.local(T.I32);
    this.la = f.local(T.I64); this.lb = f.local(T.I64);
  }

  // ------------------------------------------------------------ structure

  open(kind: 'block' | 'loop' | 'if', t: T = T.Void): number {
    if (kind === 'block') this.f.block(t);
    else if (kind === 'loop') this.f.loop(t);
    else this.f.if(t);
    return this.depth++;
  }

  close(): void {
    this.f.end();
    this.depth--;
  }

  br(label: number): void {
    this.f.br(this.depth - 1 - label);
  }

  brIf(label: number): void {
    this.f.brIf(this.depth - 1 - label);
  }

  i64n(n: number): void {
    const [lo, hi] = halves(n);
    this.f.i64(lo, hi);
  }

  // ------------------------------------------------------------ state in and out

  /** Registers and flags from the register file into locals. */
  loadState(): void {
    const f = this.f;
    for (let i = 0; i < 16; i++) {
      f.get(this.file).mem(Op.I64Load32U, FILE_LO + 4 * i, 2);
      f.get(this.file).mem(Op.I64Load32U, FILE_HI + 4 * i, 2).i64(32, 0).op(Op.I64Shl).op(Op.I64Or).set(this.r[i]!);
    }
    this.loadFlags();
  }

  /** Locals into the register file (registers) and the exchange area (flags). */
  store(): void {
    const f = this.f;
    for (let i = 0; i < 16; i++) {
      f.get(this.file).get(this.r[i]!).mem(Op.I64Store32, FILE_LO + 4 * i, 2);
      f.get(this.file).get(this.r[i]!).i64(32, 0).op(Op.I64ShrU).mem(Op.I64Store32, FILE_HI + 4 * i, 2);
    }
    this.storeFlags();
  }

  storeFlags(): void {
    const f = this.f;
    f.get(this.file).get(this.fop).mem(Op.I32Store, FILE_X + 4 * X_FOP, 2);
    f.get(this.file).get(this.fsize).mem(Op.I32Store, FILE_X + 4 * X_FSIZE, 2);
    f.get(this.file).get(this.fa).mem(Op.I64Store, FILE_X + 4 * X_FA, 2);
    f.get(this.file).get(this.fb).mem(Op.I64Store, FILE_X + 4 * X_FB, 2);
    f.get(this.file).get(this.fres).mem(Op.I64Store, FILE_X + 4 * X_FRES, 2);
    f.get(this.file).get(this.fcin).mem(Op.I32Store, FILE_X + 4 * X_FCIN, 2);
    f.get(this.file).get(this.efl).mem(Op.I32Store, FILE_X + 4 * X_EFLAGS, 2);
  }

  loadFlags(): void {
    const f = this.f;
    f.get(this.file).mem(Op.I32Load, FILE_X + 4 * X_FOP, 2).set(this.fop);
    f.get(this.file).mem(Op.I32Load, FILE_X + 4 * X_FSIZE, 2).set(this.fsize);
    f.get(this.file).mem(Op.I64Load, FILE_X + 4 * X_FA, 2).set(this.fa);
    f.get(this.file).mem(Op.I64Load, FILE_X + 4 * X_FB, 2).set(this.fb);
    f.get(this.file).mem(Op.I64Load, FILE_X + 4 * X_FRES, 2).set(this.fres);
    f.get(this.file).mem(Op.I32Load, FILE_X + 4 * X_FCIN, 2).set(this.fcin);
    f.get(this.file).mem(Op.I32Load, FILE_X + 4 * X_EFLAGS, 2).set(this.efl);
  }

  /** The epilogue after the exit label: state out, RIP and count into the exchange area. */
  epilogue(): void {
    const f = this.f;
    this.store();
    f.get(this.file).get(this.exitRip).mem(Op.I64Store, FILE_X + 4 * X_RIP, 2);
    f.get(this.file).get(this.cnt).mem(Op.I32Store, FILE_X + 4 * X_COUNT, 2);
    f.get(this.code);
  }

  // ------------------------------------------------------------ exits

  /** Leave the region with RIP = rip after `retired` more instructions of this block. */
  exitTo(rip: number, retired: number): void {
    const f = this.f;
    if (retired !== 0) f.get(this.cnt).i32(retired).op(Op.I32Add).set(this.cnt);
    this.i64n(rip);
    f.set(this.exitRip);
    f.i32(Exit.Ok).set(this.code);
    this.br(this.exitLabel);
  }

  /** Leave with RIP from the stack (i64). */
  exitDynamic(retired: number): void {
    const f = this.f;
    f.set(this.exitRip);
    if (retired !== 0) f.get(this.cnt).i32(retired).op(Op.I32Add).set(this.cnt);
    f.i32(Exit.Ok).set(this.code);
    this.br(this.exitLabel);
  }

  /**
   * With an import's status on the stack: when it is not Ok, leave with that status and RIP as the
   * import left it in the exchange area. Stop means the instruction completed (it counts), Fault
   * that it did not.
   */
  checkStatus(): void {
    const f = this.f;
    f.tee(this.s);
    this.open('if');
    f.get(this.s).set(this.code);
    f.get(this.file).mem(Op.I64Load, FILE_X + 4 * X_RIP, 2).set(this.exitRip);
    f.get(this.cnt).i32(this.pos).op(Op.I32Add).get(this.s).i32(Exit.Stop).op(Op.I32Eq).op(Op.I32Add).set(this.cnt);
    this.br(this.exitLabel);
    this.close();
  }

  // ------------------------------------------------------------ registers

  /** Push register r (0-15; 16-19 = AH..BH) at `size`, zero-extended to i64. */
  getR(size: number, r: number): void {
    const f = this.f;
    if (size === 1 && r >= 16) {
      f.get(this.r[r - 16]!).i64(8, 0).op(Op.I64ShrU).i64(0xff, 0).op(Op.I64And);
      return;
    }
    f.get(this.r[r]!);
    this.mask(size);
  }

  /** And the i64 on the stack with the size mask. */
  mask(size: number): void {
    const f = this.f;
    if (size === 4) f.op(Op.I32WrapI64).op(Op.I64ExtendI32U);
    else if (size === 2) f.i64(0xffff, 0).op(Op.I64And);
    else if (size === 1) f.i64(0xff, 0).op(Op.I64And);
  }

  /** Pop an i64 into register r with x86-64 partial-register rules. */
  setR(size: number, r: number): void {
    const f = this.f;
    if (size === 8) { f.set(this.r[r]!); return; }
    if (size === 4) { f.op(Op.I32WrapI64).op(Op.I64ExtendI32U).set(this.r[r]!); return; }
    f.set(this.t2);
    if (size === 2) {
      f.get(this.r[r]!).i64(~0xffff, -1).op(Op.I64And).get(this.t2).i64(0xffff, 0).op(Op.I64And).op(Op.I64Or).set(this.r[r]!);
      return;
    }
    if (r >= 16) {
      const q = this.r[r - 16]!;
      f.get(q).i64(~0xff00, -1).op(Op.I64And).get(this.t2).i64(0xff, 0).op(Op.I64And).i64(8, 0).op(Op.I64Shl).op(Op.I64Or).set(q);
      return;
    }
    f.get(this.r[r]!).i64(~0xff, -1).op(Op.I64And).get(this.t2).i64(0xff, 0).op(Op.I64And).op(Op.I64Or).set(this.r[r]!);
  }

  // ------------------------------------------------------------ addressing

  /**
   * The effective address of i's memory operand into `ad`, as cpu.ea computes it (segment base
   * included). `exact`: LEA's value (no segment).
   */
  ea(i: Insn, exact = false): void {
    const f = this.f;
    if (i.base === BASE_RIP) this.i64n(i.nextAddr + i.disp);
    else {
      this.i64n(i.disp);
      if (i.base !== NO_REG) f.get(this.r[i.base]!).op(Op.I64Add);
    }
    if (i.index !== NO_REG) {
      f.get(this.r[i.index]!);
      if (i.scale !== 1) f.i64(Math.log2(i.scale), 0).op(Op.I64Shl);
      f.op(Op.I64Add);
    }
    if (i.addrSize === 4) f.op(Op.I32WrapI64).op(Op.I64ExtendI32U);
    if (!exact && i.seg !== 0) f.get(this.file).mem(Op.I64Load, FILE_X + 4 * (i.seg === SEG_FS ? X_FS : X_GS), 2).op(Op.I64Add);
    f.set(this.ad);
  }

  /**
   * Load `size` bytes at `ad` (zero-extended i64 on the stack). `mode` is the slow path's order
   * for 8 bytes (8: low half first, 9: high half first). A fault leaves the region at this
   * instruction with the pending exception.
   */
  load(size: number, mode = size): void {
    const f = this.f;
    this.tlbProbe(TLB_R_TAG, size);
    this.open('if', T.I64);
    f.get(this.slot).i32(2).op(Op.I32Shl).get(this.tlb).op(Op.I32Add).mem(Op.I32Load, TLB_R_FRAME, 2).get(this.off).op(Op.I32Add);
    f.mem(size === 1 ? Op.I64Load8U : size === 2 ? Op.I64Load16U : size === 4 ? Op.I64Load32U : Op.I64Load, 0, 0);
    f.else();
    this.addrHalves();
    f.i32(mode).i32(this.k).call(Imp.Rd);
    this.checkStatus();
    f.get(this.file).mem(Op.I64Load, FILE_X + 4 * X_VAL, 2);
    this.close();
  }

  /** Store the i64 in `v` (its low `size` bytes) at `ad`. */
  storeV(size: number): void {
    const f = this.f;
    this.tlbProbe(TLB_W_TAG, size);
    this.open('if');
    f.get(this.slot).i32(2).op(Op.I32Shl).get(this.tlb).op(Op.I32Add).mem(Op.I32Load, TLB_W_FRAME, 2).get(this.off).op(Op.I32Add);
    f.get(this.v).mem(size === 1 ? Op.I64Store8 : size === 2 ? Op.I64Store16 : size === 4 ? Op.I64Store32 : Op.I64Store, 0, 0);
    f.else();
    this.addrHalves();
    f.i32(size).get(this.v).op(Op.I32WrapI64).get(this.v).i64(32, 0).op(Op.I64ShrU).op(Op.I32WrapI64).i32(this.k).call(Imp.Wr);
    // a write into decoded code stops after this instruction (Stop)
    this.checkStatus();
    this.close();
  }

  private addrHalves(): void {
    this.f.get(this.ad).op(Op.I32WrapI64).get(this.ad).i64(32, 0).op(Op.I64ShrU).op(Op.I32WrapI64);
  }

  /** Leaves on the stack: tag matches and the access stays in the page; sets slot and off. */
  private tlbProbe(tagAt: number, size: number): void {
    const f = this.f;
    f.get(this.ad).i64(12, 0).op(Op.I64ShrU).tee(this.pn).op(Op.I32WrapI64).i32(255).op(Op.I32And).tee(this.slot);
    f.i32(3).op(Op.I32Shl).get(this.tlb).op(Op.I32Add).mem(Op.I64Load, tagAt, 3).get(this.pn).op(Op.I64Eq);
    f.get(this.ad).op(Op.I32WrapI64).i32(4095).op(Op.I32And).tee(this.off).i32(4096 - size).op(Op.I32LeU);
    f.op(Op.I32And);
  }

  // ------------------------------------------------------------ flags

  /** Record lazy flags: fa, fb from the given locals (or unchanged), result from `v`. */
  setLazy(op: FlagOp, size: number, a: number | null, b: number | null): void {
    const f = this.f;
    f.i32(op).set(this.fop).i32(size).set(this.fsize);
    if (a !== null) f.get(a).set(this.fa);
    if (b !== null) f.get(b).set(this.fb);
    f.get(this.v).set(this.fres);
    this.known = { op, size };
  }

  /** Eager flags from the i32 on the stack (already masked to the arithmetic flags). */
  setEager(): void {
    this.f.set(this.efl).i32(FlagOp.Eager).set(this.fop);
    this.known = { op: FlagOp.Eager, size: 0 };
  }

  /** Sign-extend the i64 on the stack from `size` bytes. */
  sext(size: number): void {
    const f = this.f;
    if (size === 1) f.op(Op.I64Extend8S);
    else if (size === 2) f.op(Op.I64Extend16S);
    else if (size === 4) f.op(Op.I64Extend32S);
  }

  /** Push condition cc (i32 0/1), inline when the flag producer is known, else via the import. */
  cond(cc: number): void {
    const f = this.f;
    const k = this.known;
    if (k !== null && this.condInline(k, cc >> 1)) {
      if ((cc & 1) !== 0) f.op(Op.I32Eqz);
      return;
    }
    // from the materialised flags, as Cpu.cond's general path
    this.arithFlags();
    f.set(this.s);
    this.condInline({ op: FlagOp.Eager, size: 0 }, cc >> 1, this.s);
    if ((cc & 1) !== 0) f.op(Op.I32Eqz);
  }

  /** Base condition (cc >> 1) from known flags, or false. */
  private condInline(k: Known, c: number, efl = this.efl): boolean {
    const f = this.f;
    if (k.op === FlagOp.Eager) {
      const bit = (m: number): void => { f.get(efl).i32(m).op(Op.I32And).i32(0).op(Op.I32Ne); };
      const sfof = (): void => {
        f.get(efl).i32(7).op(Op.I32ShrU).get(efl).i32(11).op(Op.I32ShrU).op(Op.I32Xor).i32(1).op(Op.I32And);
      };
      switch (c) {
        case 0: bit(0x800); return true;
        case 1: bit(0x1); return true;
        case 2: bit(0x40); return true;
        case 3: bit(0x41); return true;
        case 4: bit(0x80); return true;
        case 5: bit(0x4); return true;
        case 6: sfof(); return true;
        default: bit(0x40); sfof(); f.op(Op.I32Or); return true;
      }
    }
    const size = k.size;
    if (size === 2) return false;
    const zero = (): void => { f.get(this.fres); this.mask(size); f.op(Op.I64Eqz); };
    if (k.op === FlagOp.Sub) {
      const below = (): void => { f.get(this.fa); this.mask(size); f.get(this.fb); this.mask(size); f.op(Op.I64LtU); };
      const less = (): void => { f.get(this.fa); this.sext(size); f.get(this.fb); this.sext(size); f.op(Op.I64LtS); };
      switch (c) {
        case 1: below(); return true;
        case 2: zero(); return true;
        case 3: zero(); below(); f.op(Op.I32Or); return true;
        case 6: less(); return true;
        case 7: zero(); less(); f.op(Op.I32Or); return true;
        default: return false;
      }
    }
    if (k.op === FlagOp.Logic) {
      const sign = (): void => { f.get(this.fres); this.sext(size); f.i64(0, 0).op(Op.I64LtS); };
      switch (c) {
        case 0: case 1: f.i32(0); return true; // OF = CF = 0
        case 2: zero(); return true;
        case 3: zero(); return true;
        case 4: sign(); return true;
        case 6: sign(); return true; // SF != OF with OF = 0
        case 7: zero(); sign(); f.op(Op.I32Or); return true;
        default: return false;
      }
    }
    if (k.op === FlagOp.Add && c === 2) { zero(); return true; }
    return false;
  }

  /** The six arithmetic flags (i32 RFLAGS bits) on the stack, as Cpu.arithFlags derives them. */
  arithFlags(): void {
    const f = this.f;
    if (this.known?.op === FlagOp.Eager) { f.get(this.efl); return; }
    f.get(this.fop).get(this.fsize).get(this.fa).get(this.fb).get(this.fres).get(this.fcin).get(this.efl).call(FLAGS_FN);
  }

  /** PF | ZF | SF of the i64 result in `v` at `size` (i32 on the stack), as shift.ts resultFlags. */
  resultFlags(size: number): void {
    const f = this.f;
    f.get(this.v); this.mask(size); f.op(Op.I64Eqz).i32(6).op(Op.I32Shl); // ZF 0x40
    f.get(this.v).i64(size * 8 - 1, 0).op(Op.I64ShrU).op(Op.I32WrapI64).i32(1).op(Op.I32And).i32(7).op(Op.I32Shl).op(Op.I32Or); // SF
    this.parity();
    f.op(Op.I32Or);
  }

  /** PF (0x4 or 0) of v's low byte. */
  parity(): void {
    const f = this.f;
    f.get(this.v).op(Op.I32WrapI64).i32(0xff).op(Op.I32And).op(Op.I32Popcnt).i32(1).op(Op.I32And).i32(1).op(Op.I32Xor).i32(2).op(Op.I32Shl);
  }

  // ------------------------------------------------------------ handler calls

  /**
   * Run instruction k with its interpreter handler. `pure`: the registers it reads (it writes none
   * and touches no arithmetic flag), or null: all state goes through the register file.
   */
  callHandler(pure: readonly number[] | null): void {
    const f = this.f;
    if (pure !== null) {
      for (const r of pure) {
        f.get(this.file).get(this.r[r]!).mem(Op.I64Store32, FILE_LO + 4 * r, 2);
        f.get(this.file).get(this.r[r]!).i64(32, 0).op(Op.I64ShrU).mem(Op.I64Store32, FILE_HI + 4 * r, 2);
      }
      f.i32(this.k).get(this.cnt).i32(this.pos).op(Op.I32Add).call(Imp.Hp);
    } else {
      this.store();
      f.i32(this.k).get(this.cnt).i32(this.pos).op(Op.I32Add).call(Imp.H).set(this.s);
      this.reloadAfterCall();
      this.known = null;
      f.get(this.s);
    }
    this.checkStatus();
  }

  private reloadAfterCall(): void {
    this.loadState();
  }
}
