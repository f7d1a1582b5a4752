/**
 * CPUID: one fixed, documented baseline (SPEC §3), so every node's libc, Go and Rust runtimes pick
 * the same code paths. x86-64-v1: FPU TSC CX8 CMOV MMX FXSR SSE SSE2 SYSCALL NX LM LAHF.
 * Nothing newer (no SSE3, no POPCNT, no AVX, no RDRAND/RDSEED, no XSAVE).
 * The table is the truth: see docs/cpu.md.
 */

/** Leaf 1 EDX feature bits. */
const FPU = 1 << 0, TSC = 1 << 4, CX8 = 1 << 8, CMOV = 1 << 15, MMX = 1 << 23, FXSR = 1 << 24, SSE = 1 << 25, SSE2 = 1 << 26;
/** Leaf 0x80000001 bits. */
const LAHF_LM = 1 << 0; // ECX
const SYSCALL = 1 << 11, NX = 1 << 20, LM = 1 << 29; // EDX

function str4(s: string): number {
  return (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>> 0;
}

function brand(s: string): number[] {
  const padded = s.padEnd(48, '\0');
  const out: number[] = [];
  for (let k = 0; k < 48; k += 4) out.push(str4(padded.slice(k, k + 4)));
  return out;
}

/**
 * The vendor QVM reports. Where Intel and AMD hardware differ on a result the architecture
 * leaves open, QVM follows this vendor (docs/cpu.md, "Where vendors differ").
 */
export const CPU_VENDOR = 'GenuineIntel';

const BRAND = brand('QVM Virtual CPU (x86-64-v1 baseline)');

/** Family 6, model 0x2a-like signature; glibc only uses it for tunables. */
const SIGNATURE = (6 << 8) | (0xa << 4) | (2 << 16) | 7; // family 6, ext model 2, model 0xa → 0x2a, stepping 7

/** Deterministic cache leaves (leaf 4): [type/level word, ways/partitions/line, sets]. */
const CACHES: Array<[number, number, number]> = [
  // type 1 data, level 1, 32 KiB: 8 ways × 64 sets × 64-byte lines
  [(1 << 5) | 1 | (1 << 8), ((8 - 1) << 22) | (63), 64 - 1],
  // type 2 instruction, level 1, 32 KiB
  [(1 << 5) | 2 | (1 << 8), ((8 - 1) << 22) | (63), 64 - 1],
  // unified level 2, 256 KiB: 4 ways × 1024 sets
  [(2 << 5) | 3 | (1 << 8), ((4 - 1) << 22) | (63), 1024 - 1],
  // unified level 3, 8 MiB: 16 ways × 8192 sets
  [(3 << 5) | 3 | (1 << 8), ((16 - 1) << 22) | (63), 8192 - 1],
];

/** Result registers [eax, ebx, ecx, edx] for a leaf/subleaf. */
export function cpuid(leaf: number, subleaf: number): [number, number, number, number] {
  switch (leaf >>> 0) {
    case 0:
      // the vendor string is EBX, EDX, ECX
      return [0xd, str4(CPU_VENDOR.slice(0, 4)), str4(CPU_VENDOR.slice(8, 12)), str4(CPU_VENDOR.slice(4, 8))];
    case 1:
      // EBX: CLFLUSH line size 8 (×8 = 64 bytes), 1 logical processor, APIC id 0
      return [SIGNATURE, (8 << 8) | (1 << 16), 0, FPU | TSC | CX8 | CMOV | MMX | FXSR | SSE | SSE2];
    case 2:
      // one iteration; descriptor 0xFF: "use leaf 4"
      return [0x0000ff01, 0, 0, 0];
    case 4: {
      const c = CACHES[subleaf >>> 0];
      if (!c) return [0, 0, 0, 0];
      return [c[0] >>> 0, c[1] >>> 0, c[2] >>> 0, 0];
    }
    case 0x80000000:
      return [0x80000008, 0, 0, 0];
    case 0x80000001:
      return [0, 0, LAHF_LM, (SYSCALL | NX | LM) >>> 0];
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
      const k = (leaf - 0x80000002) * 4;
      return [BRAND[k]!, BRAND[k + 1]!, BRAND[k + 2]!, BRAND[k + 3]!];
    }
    case 0x80000006:
      // L2: 256 KiB, 64-byte lines, 4-way (encoding 0x4)
      return [0, 0, (256 << 16) | (0x4 << 12) | 64, 0];
    case 0x80000008:
      // 48 physical... report 39 physical, 48 virtual address bits
      return [(48 << 8) | 39, 0, 0, 0];
    default:
      // leaves 3, 5-0xd and unknown: all zero (no features)
      return [0, 0, 0, 0];
  }
}
