/** What makes a file dynamically linked: PT_INTERP's path and PT_DYNAMIC's DT_NEEDED names (for `qvm inspect` and the refusal). */
import { DT_NEEDED, DT_NULL, DT_STRTAB, PT_DYNAMIC, PT_INTERP } from './constants.js';
import type { RawPhdr } from './parse.js';

/** PT_INTERP's path (up to its NUL), or undefined without one. */
export function readInterp(bytes: Uint8Array, phdrs: readonly RawPhdr[]): string | undefined {
  const p = phdrs.find((ph) => ph.type === PT_INTERP);
  if (!p) return undefined;
  const raw = bytes.subarray(Number(p.offset), Number(p.offset + p.filesz));
  const nul = raw.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? raw.subarray(0, nul) : raw);
}

/** DT_NEEDED library names from PT_DYNAMIC (resolved through DT_STRTAB when possible). */
export function findNeeded(bytes: Uint8Array, dv: DataView, phdrs: readonly RawPhdr[], loads: readonly RawPhdr[]): string[] {
  const dyn = phdrs.find((p) => p.type === PT_DYNAMIC);
  if (!dyn) return [];
  const start = Number(dyn.offset);
  const end = Number(dyn.offset + dyn.filesz);
  const neededOffsets: bigint[] = [];
  let strtab: bigint | undefined;
  for (let o = start; o + 16 <= end; o += 16) {
    const tag = dv.getBigInt64(o, true);
    const val = dv.getBigUint64(o + 8, true);
    if (tag === BigInt(DT_NULL)) break;
    if (tag === BigInt(DT_NEEDED)) neededOffsets.push(val);
    else if (tag === BigInt(DT_STRTAB)) strtab = val;
  }
  if (neededOffsets.length === 0) return [];
  // DT_STRTAB is a link-time address; find its bytes in the file through the PT_LOAD that maps it.
  let strtabFile: bigint | undefined;
  if (strtab !== undefined) {
    const seg = loads.find((p) => p.vaddr <= strtab! && strtab! < p.vaddr + p.filesz);
    if (seg) strtabFile = strtab - seg.vaddr + seg.offset;
  }
  const dec = new TextDecoder();
  return neededOffsets.map((off) => {
    if (strtabFile === undefined) return '?';
    const s = strtabFile + off;
    if (s >= BigInt(bytes.length)) return '?';
    const from = Number(s);
    let to = from;
    while (to < bytes.length && to - from < 256 && bytes[to] !== 0) to++;
    return dec.decode(bytes.subarray(from, to));
  });
}
