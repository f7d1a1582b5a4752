/**
 * riscv64-only system calls.
 *
 *  - riscv_hwprobe answers with the one fixed CPU QVM emulates: base behaviour IMA, extensions F, D
 *    and C (nothing of V, Zba/Zbb/Zbs, …), vendor/arch/implementation ids 0, misaligned access
 *    speed unknown. Unknown keys get key -1, as Linux does.
 *  - riscv_flush_icache is a no-op: the code cache notices every write to decoded code itself.
 */
import { EINVAL, SysError } from '../errno.js';
import { int, ptr, size, StructReader, StructWriter } from '../guest.js';
import type { Sys, SyscallGroup } from './types.js';

const HWPROBE: ReadonlyMap<bigint, bigint> = new Map([
  [0n, 0n], // MVENDORID
  [1n, 0n], // MARCHID
  [2n, 0n], // MIMPID
  [3n, 1n], // BASE_BEHAVIOR: IMA
  [4n, 0x3n], // IMA_EXT_0: FD | C
  [5n, 0n], // CPUPERF_0: misaligned access speed unknown
]);

function riscv_hwprobe(s: Sys, a: readonly bigint[]): number {
  const pairs = ptr(a[0]!);
  const count = size(a[1]!);
  if (int(a[4]!) !== 0) throw new SysError(EINVAL);
  if (count > 1024) throw new SysError(EINVAL);
  if (count === 0) return 0;
  const r = StructReader.from(s.mem, pairs, count * 16);
  const w = new StructWriter(count * 16);
  for (let i = 0; i < count; i++) {
    const key = r.i64(16 * i);
    const v = HWPROBE.get(key);
    w.i64(16 * i, v === undefined ? -1n : key).u64(16 * i + 8, v ?? 0n);
  }
  w.to(s.mem, pairs);
  return 0;
}

function riscv_flush_icache(_s: Sys, a: readonly bigint[]): number {
  if ((a[2]! & ~1n) !== 0n) throw new SysError(EINVAL);
  return 0;
}

export const riscvSyscalls: SyscallGroup = { riscv_hwprobe: [riscv_hwprobe, 'puupx'], riscv_flush_icache: [riscv_flush_icache, 'ppx'] };
