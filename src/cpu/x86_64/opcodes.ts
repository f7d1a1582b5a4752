/**
 * The opcode map: for every opcode QVM implements, how to decode it (ModRM? which immediate?
 * byte-sized? 64-bit by default?) and which handler executes it. The map is the truth: an opcode
 * absent from it is #UD (SIGILL), and docs/cpu.md's instruction list is generated from it.
 *
 * Index: one-byte opcodes 0x000-0x0ff, 0F xx at 0x100-0x1ff, 0F 38 xx at 0x200-0x2ff, 0F 3A xx at 0x300-0x3ff.
 */
import type { Handler } from './insn.js';
import * as I from './ops/integer.js';
import * as C from './ops/control.js';
import * as S from './ops/string.js';
import * as Sh from './ops/shift.js';
import * as Sys from './ops/system.js';

export const enum Imm {
  None = 0,
  /** imm8 sign-extended to the operand size. */
  Ib = 1,
  /** imm8 zero-extended. */
  Ub = 2,
  /** imm16 zero-extended. */
  Iw = 3,
  /** imm16 (16-bit operand) or imm32 sign-extended to the operand size. */
  Iz = 4,
  /** imm16/imm32/imm64 as wide as the operand. */
  Iv = 5,
  /** rel8 / rel32 branch displacement. */
  Jb = 6,
  Jz = 7,
  /** ENTER: imm16, imm8. */
  Enter = 8,
  /** moffs: an address as wide as the address size. */
  Moffs = 9,
  /** Group 3 (F6/F7): Ib/Iz only for /0 and /1. */
  Group3 = 10,
}

export interface OpInfo {
  name: string;
  modrm: boolean;
  imm: Imm;
  /** Byte operand size regardless of prefixes. */
  byte: boolean;
  /** Operand size defaults to 64 bits (stack ops, near branches). */
  def64: boolean;
  aux: number;
  exec: Handler;
  /** For group opcodes: handler per ModRM.reg (null = #UD), overriding exec. */
  group?: Array<Handler | null>;
  /** For group opcodes: which /digits default to 64-bit operands. */
  groupDef64?: boolean[];
  /** Handler when the register form (mod = 3) differs, per ModRM.reg. */
  memOnly?: boolean;
  /** ModRM.reg digits (bit d = /d; ALL_FORMS for every form) whose instruction ends a decoded block. */
  endsBlock: number;
  /** ModRM.reg digits that accept a LOCK prefix, with a memory destination (elsewhere LOCK is #UD). */
  lockable: number;
}

/** A digit mask for an opcode fact that holds whatever ModRM.reg is (and for opcodes without ModRM). */
export const ALL_FORMS = 0xff;

export const OPCODES: Array<OpInfo | undefined> = new Array<OpInfo | undefined>(0x400);

export const TWO_BYTE = 0x100;
export const THREE_BYTE_38 = 0x200;
export const THREE_BYTE_3A = 0x300;

function def(index: number, name: string, exec: Handler, o: Partial<Omit<OpInfo, 'name' | 'exec'>> = {}): void {
  OPCODES[index] = {
    name, exec,
    modrm: o.modrm ?? false,
    imm: o.imm ?? Imm.None,
    byte: o.byte ?? false,
    def64: o.def64 ?? false,
    aux: o.aux ?? 0,
    group: o.group,
    groupDef64: o.groupDef64,
    memOnly: o.memOnly,
    endsBlock: 0,
    lockable: 0,
  };
}

// ---------------------------------------------------------------- one-byte map

const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
for (let k = 0; k < 8; k++) {
  const b = k << 3;
  const n = ALU_NAMES[k]!;
  def(b + 0, n, I.aluEG, { modrm: true, byte: true, aux: k });
  def(b + 1, n, I.aluEG, { modrm: true, aux: k });
  def(b + 2, n, I.aluGE, { modrm: true, byte: true, aux: k });
  def(b + 3, n, I.aluGE, { modrm: true, aux: k });
  def(b + 4, n, I.aluAccImm, { imm: Imm.Ib, byte: true, aux: k });
  def(b + 5, n, I.aluAccImm, { imm: Imm.Iz, aux: k });
}
for (let r = 0; r < 8; r++) {
  def(0x50 + r, 'push', I.pushReg, { def64: true });
  def(0x58 + r, 'pop', I.popReg, { def64: true });
}
def(0x63, 'movsxd', I.movsx, { modrm: true, aux: 4 });
def(0x68, 'push', I.pushImm, { imm: Imm.Iz, def64: true });
def(0x69, 'imul', I.imulG, { modrm: true, imm: Imm.Iz, aux: 1 });
def(0x6a, 'push', I.pushImm, { imm: Imm.Ib, def64: true });
def(0x6b, 'imul', I.imulG, { modrm: true, imm: Imm.Ib, aux: 1 });
for (let cc = 0; cc < 16; cc++) {
  def(0x70 + cc, 'jcc', C.jcc, { imm: Imm.Jb, def64: true, aux: cc });
}
def(0x80, 'alu', I.aluEImm, { modrm: true, imm: Imm.Ib, byte: true });
def(0x81, 'alu', I.aluEImm, { modrm: true, imm: Imm.Iz });
def(0x83, 'alu', I.aluEImm, { modrm: true, imm: Imm.Ib });
def(0x84, 'test', I.testEG, { modrm: true, byte: true });
def(0x85, 'test', I.testEG, { modrm: true });
def(0x86, 'xchg', I.xchgEG, { modrm: true, byte: true });
def(0x87, 'xchg', I.xchgEG, { modrm: true });
def(0x88, 'mov', I.movEG, { modrm: true, byte: true });
def(0x89, 'mov', I.movEG, { modrm: true });
def(0x8a, 'mov', I.movGE, { modrm: true, byte: true });
def(0x8b, 'mov', I.movGE, { modrm: true });
def(0x8d, 'lea', I.lea, { modrm: true, memOnly: true });
def(0x8f, 'pop', I.popE, { modrm: true, def64: true, group: [I.popE, null, null, null, null, null, null, null] });
def(0x90, 'nop', I.nop);
for (let r = 1; r < 8; r++) def(0x90 + r, 'xchg', I.xchgAcc);
def(0x98, 'cbw', I.cbw);
def(0x99, 'cwd', I.cwd);
def(0x9c, 'pushf', I.pushf, { def64: true });
def(0x9d, 'popf', I.popf, { def64: true });
def(0x9e, 'sahf', I.sahf);
def(0x9f, 'lahf', I.lahf);
def(0xa0, 'mov', I.movAccMoffs, { imm: Imm.Moffs, byte: true, aux: 0 });
def(0xa1, 'mov', I.movAccMoffs, { imm: Imm.Moffs, aux: 0 });
def(0xa2, 'mov', I.movAccMoffs, { imm: Imm.Moffs, byte: true, aux: 1 });
def(0xa3, 'mov', I.movAccMoffs, { imm: Imm.Moffs, aux: 1 });
def(0xa4, 'movs', S.movs, { byte: true });
def(0xa5, 'movs', S.movs);
def(0xa6, 'cmps', S.cmps, { byte: true });
def(0xa7, 'cmps', S.cmps);
def(0xa8, 'test', I.testImm, { imm: Imm.Ib, byte: true });
def(0xa9, 'test', I.testImm, { imm: Imm.Iz });
def(0xaa, 'stos', S.stos, { byte: true });
def(0xab, 'stos', S.stos);
def(0xac, 'lods', S.lods, { byte: true });
def(0xad, 'lods', S.lods);
def(0xae, 'scas', S.scas, { byte: true });
def(0xaf, 'scas', S.scas);
for (let r = 0; r < 8; r++) {
  def(0xb0 + r, 'mov', I.movRegImm, { imm: Imm.Ib, byte: true });
  def(0xb8 + r, 'mov', I.movRegImm, { imm: Imm.Iv });
}
def(0xc0, 'shift', Sh.group2, { modrm: true, imm: Imm.Ub, byte: true, aux: 0 });
def(0xc1, 'shift', Sh.group2, { modrm: true, imm: Imm.Ub, aux: 0 });
def(0xc2, 'ret', C.ret, { imm: Imm.Iw, def64: true });
def(0xc3, 'ret', C.ret, { def64: true });
def(0xc6, 'mov', I.movEImm, { modrm: true, imm: Imm.Ib, byte: true, group: [I.movEImm, null, null, null, null, null, null, null] });
def(0xc7, 'mov', I.movEImm, { modrm: true, imm: Imm.Iz, group: [I.movEImm, null, null, null, null, null, null, null] });
def(0xc8, 'enter', I.enter, { imm: Imm.Enter, def64: true });
def(0xc9, 'leave', I.leave, { def64: true });
def(0xcc, 'int3', Sys.int3);
def(0xcd, 'int', Sys.privileged, { imm: Imm.Ub });
def(0xd0, 'shift', Sh.group2, { modrm: true, byte: true, aux: 1 });
def(0xd1, 'shift', Sh.group2, { modrm: true, aux: 1 });
def(0xd2, 'shift', Sh.group2, { modrm: true, byte: true, aux: 2 });
def(0xd3, 'shift', Sh.group2, { modrm: true, aux: 2 });
def(0xe0, 'loopne', C.loop, { imm: Imm.Jb, def64: true, aux: 0xe0 });
def(0xe1, 'loope', C.loop, { imm: Imm.Jb, def64: true, aux: 0xe1 });
def(0xe2, 'loop', C.loop, { imm: Imm.Jb, def64: true, aux: 0xe2 });
def(0xe3, 'jrcxz', C.jrcxz, { imm: Imm.Jb, def64: true });
def(0xe8, 'call', C.callRel, { imm: Imm.Jz, def64: true });
def(0xe9, 'jmp', C.jmpRel, { imm: Imm.Jz, def64: true });
def(0xeb, 'jmp', C.jmpRel, { imm: Imm.Jb, def64: true });
def(0xf4, 'hlt', Sys.privileged);
def(0xf5, 'cmc', I.flagOp, { aux: 0xf5 });
def(0xf6, 'group3', I.group3, { modrm: true, imm: Imm.Group3, byte: true });
def(0xf7, 'group3', I.group3, { modrm: true, imm: Imm.Group3 });
def(0xf8, 'clc', I.flagOp, { aux: 0xf8 });
def(0xf9, 'stc', I.flagOp, { aux: 0xf9 });
def(0xfc, 'cld', I.flagOp, { aux: 0xfc });
def(0xfd, 'std', I.flagOp, { aux: 0xfd });
def(0xfe, 'incdec', I.incDecE, { modrm: true, byte: true, group: [I.incDecE, I.incDecE, null, null, null, null, null, null] });
def(0xff, 'group5', I.incDecE, {
  modrm: true,
  group: [I.incDecE, I.incDecE, C.callE, null, C.jmpE, null, I.pushE, null],
  groupDef64: [false, false, true, false, true, false, true, false],
});

// ---------------------------------------------------------------- two-byte map (0F xx)

const T = TWO_BYTE;
def(T | 0x05, 'syscall', Sys.syscall);
def(T | 0x0b, 'ud2', Sys.illegal);
def(T | 0x0d, 'prefetchw', I.nop, { modrm: true });
for (let b = 0x19; b <= 0x1f; b++) def(T | b, 'nop', I.nop, { modrm: true }); // hint NOPs, incl. endbr64 (F3 0F 1E FA)
def(T | 0x31, 'rdtsc', Sys.rdtsc);
for (let cc = 0; cc < 16; cc++) {
  def(T | (0x40 + cc), 'cmovcc', I.cmovcc, { modrm: true, aux: cc });
  def(T | (0x80 + cc), 'jcc', C.jcc, { imm: Imm.Jz, def64: true, aux: cc });
  def(T | (0x90 + cc), 'setcc', I.setcc, { modrm: true, byte: true, aux: cc });
}
def(T | 0xa2, 'cpuid', Sys.cpuid);
def(T | 0xa3, 'bt', I.bitTest, { modrm: true, aux: 0 });
def(T | 0xa4, 'shld', Sh.doubleShift, { modrm: true, imm: Imm.Ub, aux: 0 });
def(T | 0xa5, 'shld', Sh.doubleShift, { modrm: true, aux: 1 });
def(T | 0xab, 'bts', I.bitTest, { modrm: true, aux: 1 });
def(T | 0xac, 'shrd', Sh.doubleShift, { modrm: true, imm: Imm.Ub, aux: 2 });
def(T | 0xad, 'shrd', Sh.doubleShift, { modrm: true, aux: 3 });
def(T | 0xaf, 'imul', I.imulG, { modrm: true, aux: 0 });
def(T | 0xb0, 'cmpxchg', I.cmpxchg, { modrm: true, byte: true });
def(T | 0xb1, 'cmpxchg', I.cmpxchg, { modrm: true });
def(T | 0xb3, 'btr', I.bitTest, { modrm: true, aux: 2 });
def(T | 0xb6, 'movzx', I.movzx, { modrm: true, aux: 1 });
def(T | 0xb7, 'movzx', I.movzx, { modrm: true, aux: 2 });
def(T | 0xba, 'bt', I.bitTest, {
  modrm: true, imm: Imm.Ub,
  group: [null, null, null, null, I.bitTest, I.bitTest, I.bitTest, I.bitTest],
});
def(T | 0xbb, 'btc', I.bitTest, { modrm: true, aux: 3 });
def(T | 0xbc, 'bsf', I.bitScan, { modrm: true, aux: 0 });
def(T | 0xbd, 'bsr', I.bitScan, { modrm: true, aux: 1 });
def(T | 0xbe, 'movsx', I.movsx, { modrm: true, aux: 1 });
def(T | 0xbf, 'movsx', I.movsx, { modrm: true, aux: 2 });
def(T | 0xc0, 'xadd', I.xadd, { modrm: true, byte: true });
def(T | 0xc1, 'xadd', I.xadd, { modrm: true });
def(T | 0xc7, 'cmpxchg8b', I.cmpxchg8b, {
  modrm: true, memOnly: true,
  group: [null, I.cmpxchg8b, null, null, null, null, null, null],
});
for (let r = 0; r < 8; r++) def(T | (0xc8 + r), 'bswap', I.bswap);

const range = (from: number, to: number, except: number[] = []): number[] =>
  Array.from({ length: to - from + 1 }, (_, k) => from + k).filter((x) => !except.includes(x));

/**
 * Instructions after which a decoded block ends: they change RIP otherwise than by falling
 * through (branches, calls, returns, traps), stop the block for the run loop (syscall, hlt, ud2,
 * rdtsc, cpuid), or repeat (string instructions, which retire one iteration at a time). Table index → digits.
 */
const ENDS_BLOCK: ReadonlyArray<readonly [readonly number[], number]> = [
  [range(0x70, 0x7f), ALL_FORMS], // jcc rel8
  [range(T | 0x80, T | 0x8f), ALL_FORMS], // jcc rel32
  [range(0xe0, 0xe3), ALL_FORMS], // loopne, loope, loop, jrcxz
  [range(0xa4, 0xaf, [0xa8, 0xa9]), ALL_FORMS], // movs, cmps, stos, lods, scas
  [[0xe8, 0xe9, 0xeb, 0xc2, 0xc3, 0xcc, 0xcd, 0xf4], ALL_FORMS], // call, jmp, ret, int3, int, hlt
  [[T | 0x05, T | 0x0b, T | 0x31, T | 0xa2], ALL_FORMS], // syscall, ud2, rdtsc, cpuid
  [[0xff], 0b0011_1100], // FF /2 /3 call, /4 /5 jmp (indirect)
];

/** Read-modify-write forms that take LOCK with a memory destination (Intel SDM, LOCK prefix). */
const LOCKABLE: ReadonlyArray<readonly [readonly number[], number]> = [
  [[0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21, 0x28, 0x29, 0x30, 0x31], ALL_FORMS], // ALU Eb,Gb / Ev,Gv except CMP
  [[0x80, 0x81, 0x83], 0b0111_1111], // group 1 except /7 (CMP)
  [[0x86, 0x87], ALL_FORMS], // xchg
  [[0xf6, 0xf7], 0b0000_1100], // not, neg
  [[0xfe, 0xff], 0b0000_0011], // inc, dec
  [[T | 0xab, T | 0xb3, T | 0xbb], ALL_FORMS], // bts, btr, btc
  [[T | 0xba], 0b1110_0000], // bts, btr, btc imm8
  [[T | 0xb0, T | 0xb1, T | 0xc0, T | 0xc1], ALL_FORMS], // cmpxchg, xadd
  [[T | 0xc7], 0b0000_0010], // cmpxchg8b/16b
];

function applyFacts(table: ReadonlyArray<readonly [readonly number[], number]>, fact: 'endsBlock' | 'lockable'): void {
  for (const [indexes, digits] of table) {
    for (const index of indexes) {
      const info = OPCODES[index];
      // a fact about an opcode the map lacks is a table bug
      if (info === undefined) throw new Error(`opcode table: ${fact} names 0x${index.toString(16)}, which is not in the map`);
      info[fact] = digits;
    }
  }
}
applyFacts(ENDS_BLOCK, 'endsBlock');
applyFacts(LOCKABLE, 'lockable');

/** Register extra opcodes (SSE, x87) into the map without overriding integer entries. */
/** Adds opcode entries; an index that already has one is a bug in the tables and throws. */
export function registerOpcodes(entries: Iterable<[number, OpInfo]>): void {
  for (const [index, info] of entries) {
    const had = OPCODES[index];
    if (had !== undefined) {
      throw new Error(`opcode table: 0x${index.toString(16)} is both ${had.name} and ${info.name}`);
    }
    OPCODES[index] = info;
  }
}

export function makeOpInfo(name: string, exec: Handler, o: Partial<Omit<OpInfo, 'name' | 'exec'>> = {}): OpInfo {
  return {
    name, exec,
    modrm: o.modrm ?? false, imm: o.imm ?? Imm.None, byte: o.byte ?? false, def64: o.def64 ?? false,
    aux: o.aux ?? 0, group: o.group, groupDef64: o.groupDef64, memOnly: o.memOnly,
    endsBlock: o.endsBlock ?? 0, lockable: o.lockable ?? 0,
  };
}

/** Human-readable list of implemented opcodes (one line each), rendered into docs/cpu.md. */
export function implementedOpcodes(): string[] {
  const lines: string[] = [];
  for (let index = 0; index < OPCODES.length; index++) {
    const info = OPCODES[index];
    if (info === undefined || info.exec.name === 'illegal') continue;
    const map = index >> 8;
    const b = (index & 0xff).toString(16).padStart(2, '0').toUpperCase();
    const enc = map === 0 ? b : map === 1 ? `0F ${b}` : map === 2 ? `0F 38 ${b}` : `0F 3A ${b}`;
    let forms = '';
    if (info.group) {
      const digits = info.group.map((h, k) => (h !== null && h.name !== 'illegal' ? `/${k}` : '')).filter(Boolean);
      forms = ` ${digits.join(' ')}`;
    }
    lines.push(`${enc}${forms}: ${info.name}`);
  }
  return lines;
}
