/**
 * The function symbols of an ELF64 little-endian file (its .symtab), for naming code addresses in
 * profiles. A stripped binary has none; that is not an error, the caller labels addresses instead.
 * Malformed symbol tables are ignored the same way: symbols only ever name things, they never
 * change how a program runs.
 */

const SHT_SYMTAB = 2;
const SYM_SIZE = 24;
const STT_NOTYPE = 0;
const STT_FUNC = 2;
const STB_GLOBAL = 1;
const STB_WEAK = 2;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;

export interface FunctionSymbol {
  /** Relocated start address. */
  addr: number;
  /** Size in bytes (0 when the table does not say). */
  size: number;
  name: string;
}

/**
 * Function symbols sorted by address (one per address: the first name listed wins, so that an
 * alias never changes which name a profile shows). `loadBias` is added to every value.
 */
export function functionSymbols(bytes: Uint8Array, loadBias: number): FunctionSymbol[] {
  try {
    return readSymbols(bytes, loadBias);
  } catch (e) {
    if (e instanceof RangeError) return [];
    throw e;
  }
}

function readSymbols(bytes: Uint8Array, loadBias: number): FunctionSymbol[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 64 || dv.getUint32(0, false) !== 0x7f454c46 || bytes[4] !== 2 || bytes[5] !== 1) return [];
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shentsize = dv.getUint16(0x3a, true);
  const shnum = dv.getUint16(0x3c, true);
  if (shoff === 0 || shentsize < 64) return [];
  const section = (i: number): { type: number; offset: number; size: number; link: number } => {
    const o = shoff + i * shentsize;
    return {
      type: dv.getUint32(o + 4, true),
      offset: Number(dv.getBigUint64(o + 0x18, true)),
      size: Number(dv.getBigUint64(o + 0x20, true)),
      link: dv.getUint32(o + 0x28, true),
    };
  };
  const decoder = new TextDecoder();
  const byAddr = new Map<number, FunctionSymbol>();
  for (let i = 0; i < shnum; i++) {
    const sh = section(i);
    if (sh.type !== SHT_SYMTAB || sh.link >= shnum) continue;
    const strtab = section(sh.link);
    const strEnd = Math.min(bytes.length, strtab.offset + strtab.size);
    for (let o = sh.offset; o + SYM_SIZE <= sh.offset + sh.size; o += SYM_SIZE) {
      const info = dv.getUint8(o + 4);
      const type = info & 0xf;
      const bind = info >> 4;
      const shndx = dv.getUint16(o + 6, true);
      if (shndx === SHN_UNDEF || shndx >= SHN_LORESERVE) continue;
      if (type !== STT_FUNC && !(type === STT_NOTYPE && (bind === STB_GLOBAL || bind === STB_WEAK))) continue;
      const value = Number(dv.getBigUint64(o + 8, true));
      if (value === 0) continue;
      const addr = value + loadBias;
      if (byAddr.has(addr)) continue;
      const nameOff = strtab.offset + dv.getUint32(o, true);
      let end = nameOff;
      let ascii = true;
      while (end < strEnd && bytes[end] !== 0) {
        if (bytes[end]! >= 0x80) ascii = false;
        end++;
      }
      // (names are nearly always ASCII: skip the decoder for them, it dominates on large tables)
      const name = ascii && end - nameOff <= 4096 ? String.fromCharCode(...bytes.subarray(nameOff, end)) : decoder.decode(bytes.subarray(nameOff, end));
      if (name === '') continue;
      byAddr.set(addr, { addr, size: Number(dv.getBigUint64(o + 16, true)), name });
    }
    // an ELF has one symbol table; reading only the first bounds the work by the file's size
    break;
  }
  return [...byAddr.values()].sort((a, b) => a.addr - b.addr);
}

/** Index of the symbol containing addr (the last one starting at or below it), or -1. */
export function symbolIndexAt(symbols: readonly FunctionSymbol[], addr: number): number {
  let lo = 0;
  let hi = symbols.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid]!.addr <= addr) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
