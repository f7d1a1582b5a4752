/**
 * x86-64 instruction decoder: legacy prefixes, REX, opcode maps, ModRM/SIB/displacement and
 * immediates, producing an Insn that the code cache keeps. Decoding never throws for bad
 * encodings: an unknown opcode yields an Insn whose handler raises SIGILL when executed (so the
 * fault happens at the right point of execution, not at decode time).
 */
import { Memory } from '../../mem/memory.js';
import { CpuException, SIGSEGV } from './cpu.js';
import { BASE_RIP, Insn, MAP_0F, MAP_0F38, MAP_0F3A, NO_REG, SEG_FS, SEG_GS } from './insn.js';
import { OPCODES, Imm, TWO_BYTE, THREE_BYTE_38, THREE_BYTE_3A } from './opcodes.js';
import { illegal } from './ops/system.js';
import './extensions.js';
import { specialize } from './ops/fast.js';

const MAX_LEN = 15;
const buf = new Uint8Array(MAX_LEN + 16);
const TWO32 = 4294967296;

function fetchFault(at: number): Insn {
  const insn = new Insn(() => {
    throw new CpuException(SIGSEGV, `segmentation fault: instruction fetch from 0x${at.toString(16)}`, at, 1);
  });
  return insn;
}

export function decode(mem: Memory, addr: number): Insn {
  // may throw MemoryFault when the first byte is not executable
  const avail = mem.fetch(addr, buf, MAX_LEN);
  buf.fill(0, avail);
  let p = 0;
  let opsizePrefix = false, addrPrefix = false, lock = false;
  let rep = 0, seg = 0, simd = 0;
  for (;;) {
    const b = buf[p]!;
    if (b === 0x66) { opsizePrefix = true; if (simd === 0) simd = 0x66; }
    else if (b === 0x67) addrPrefix = true;
    else if (b === 0xf0) lock = true;
    else if (b === 0xf2 || b === 0xf3) { rep = b; simd = b; }
    else if (b === 0x64) seg = SEG_FS;
    else if (b === 0x65) seg = SEG_GS;
    else if (b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e) { /* null segment overrides in 64-bit mode */ }
    else break;
    p++;
    if (p >= MAX_LEN) break;
  }
  let rex = 0;
  if ((buf[p]! & 0xf0) === 0x40) rex = buf[p++]!;
  let index: number;
  let op: number;
  const b0 = buf[p++]!;
  if (b0 === 0x0f) {
    const b1 = buf[p++]!;
    if (b1 === 0x38) { const b2 = buf[p++]!; index = THREE_BYTE_38 | b2; op = MAP_0F38 | b2; }
    else if (b1 === 0x3a) { const b2 = buf[p++]!; index = THREE_BYTE_3A | b2; op = MAP_0F3A | b2; }
    else { index = TWO_BYTE | b1; op = MAP_0F | b1; }
  } else {
    index = b0;
    op = b0;
  }
  const info = OPCODES[index];
  const insn = new Insn(illegal);
  insn.addr = addr;
  insn.op = op;
  insn.hasRex = rex !== 0;
  insn.rexW = (rex & 8) !== 0;
  insn.prefix = simd;
  insn.rep = rep;
  insn.opsizePrefix = opsizePrefix;
  insn.lock = lock;
  insn.seg = seg;
  insn.addrSize = addrPrefix ? 4 : 8;

  if (info === undefined) return finish(insn, addr, Math.min(p, avail), avail);

  // operand size
  let def64 = info.def64;
  let exec = info.exec;

  // ModRM
  if (info.modrm) {
    const m = buf[p++]!;
    const mod = m >> 6;
    const regOp = (m >> 3) & 7;
    const rmLow = m & 7;
    insn.hasModRM = true;
    insn.mod = mod;
    insn.regOp = regOp;
    insn.reg = regOp | ((rex & 4) << 1);
    if (mod === 3) {
      insn.rm = rmLow | ((rex & 1) << 3);
    } else {
      let disp = 0;
      if (rmLow === 4) {
        const sib = buf[p++]!;
        const scale = 1 << (sib >> 6);
        const idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
        const baseLow = sib & 7;
        insn.scale = scale;
        insn.index = idx === 4 ? NO_REG : idx;
        if (baseLow === 5 && mod === 0) {
          insn.base = NO_REG;
          disp = readI32(p); p += 4;
        } else {
          insn.base = baseLow | ((rex & 1) << 3);
        }
      } else if (rmLow === 5 && mod === 0) {
        insn.base = BASE_RIP;
        disp = readI32(p); p += 4;
      } else {
        insn.base = rmLow | ((rex & 1) << 3);
      }
      if (mod === 1) { disp = (buf[p]! << 24) >> 24; p += 1; }
      else if (mod === 2) { disp = readI32(p); p += 4; }
      insn.disp = disp;
    }
    if (info.group !== undefined) {
      const g = info.group[regOp];
      exec = g ?? illegal;
      if (info.groupDef64 !== undefined) def64 = info.groupDef64[regOp]!;
    }
    if (info.memOnly && mod === 3) exec = illegal;
  }
  // LOCK is valid only on the read-modify-write forms the table names, with a memory destination; elsewhere #UD
  const memDest = insn.hasModRM && insn.mod !== 3;
  if (lock && !(memDest && ((info.lockable >> insn.regOp) & 1) !== 0)) exec = illegal;
  insn.term = ((info.endsBlock >> insn.regOp) & 1) !== 0;

  let size: number;
  if (info.byte) size = 1;
  else if (insn.rexW) size = 8;
  else if (def64) size = opsizePrefix ? 2 : 8;
  else size = opsizePrefix ? 2 : 4;
  insn.opSize = size;
  insn.aux = info.aux;

  // register in the opcode's low bits
  if (index < 0x100 && (b0 >= 0x50 && b0 <= 0x5f || b0 >= 0x90 && b0 <= 0x97 || b0 >= 0xb0 && b0 <= 0xbf)) {
    insn.opReg = (b0 & 7) | ((rex & 1) << 3);
  } else if (index >= (TWO_BYTE | 0xc8) && index <= (TWO_BYTE | 0xcf)) {
    insn.opReg = (index & 7) | ((rex & 1) << 3);
  }
  if (index === 0x90 && (rex & 1) !== 0) {
    exec = OPCODES[0x91]!.exec; // xchg r8, rax
  }

  // immediates
  let imm = info.imm;
  if (imm === Imm.Group3) imm = insn.regOp <= 1 ? (size === 1 ? Imm.Ib : Imm.Iz) : Imm.None;
  switch (imm) {
    case Imm.None: break;
    case Imm.Ib: setImmSigned(insn, (buf[p]! << 24) >> 24, size); p += 1; break;
    case Imm.Ub: insn.imm = buf[p]!; p += 1; break;
    case Imm.Iw: insn.imm = buf[p]! | (buf[p + 1]! << 8); p += 2; break;
    case Imm.Iz:
      if (size === 2) { insn.imm = buf[p]! | (buf[p + 1]! << 8); p += 2; }
      else { setImmSigned(insn, readI32(p), size); p += 4; }
      break;
    case Imm.Iv:
      if (size === 2) { insn.imm = buf[p]! | (buf[p + 1]! << 8); p += 2; }
      else if (size === 4) { insn.imm = readI32(p) >>> 0; p += 4; }
      else { insn.imm = readI32(p) >>> 0; insn.immHi = readI32(p + 4) >>> 0; p += 8; }
      break;
    case Imm.Jb: insn.disp = (buf[p]! << 24) >> 24; p += 1; break;
    case Imm.Jz: insn.disp = readI32(p); p += 4; break;
    case Imm.Enter: insn.imm = buf[p]! | (buf[p + 1]! << 8); insn.imm2 = buf[p + 2]!; p += 3; break;
    case Imm.Moffs:
      if (addrPrefix) { insn.target = readI32(p) >>> 0; p += 4; }
      else { insn.target = (readI32(p + 4) >>> 0) * TWO32 + (readI32(p) >>> 0); p += 8; }
      break;
    default: break;
  }
  insn.exec = exec;
  if (exec === info.exec) insn.exec = specialize(insn) ?? exec;
  finish(insn, addr, p, avail);
  if (imm === Imm.Jb || imm === Imm.Jz) {
    insn.target = insn.nextAddr + insn.disp;
    insn.disp = 0;
  }
  return insn;
}

function finish(insn: Insn, addr: number, len: number, avail: number): Insn {
  if (len > MAX_LEN) {
    insn.exec = illegal;
    len = MAX_LEN;
  }
  if (len > avail) {
    // the instruction runs into a page we may not execute: fault where the bytes end
    const f = fetchFault(addr + avail);
    f.addr = addr;
    f.len = avail;
    f.nextAddr = addr + avail;
    f.bytes = buf.slice(0, avail);
    return f;
  }
  insn.len = len;
  insn.nextAddr = addr + len;
  insn.bytes = buf.slice(0, len);
  return insn;
}

function readI32(p: number): number {
  return buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
}

function setImmSigned(insn: Insn, v: number, size: number): void {
  switch (size) {
    case 1: insn.imm = v & 0xff; break;
    case 2: insn.imm = v & 0xffff; break;
    case 4: insn.imm = v >>> 0; break;
    default:
      insn.imm = v >>> 0;
      insn.immHi = v < 0 ? 0xffffffff : 0;
  }
}

/** Mnemonic for diagnostics and docs. */
export function opcodeName(index: number): string {
  return OPCODES[index]?.name ?? '(undefined)';
}
