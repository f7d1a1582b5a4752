/**
 * Gas charged by the kernel for system calls (SPEC §4). The machine adds `kernel.gas` to the gas
 * it charges for instructions and touched pages.
 *
 * Schedule:
 *  - every system call, known or not, costs SYSCALL_BASE;
 *  - data moved between the guest and the kernel by read/write-like calls (read, write, pread64,
 *    pwrite64, readv, writev, preadv, pwritev, sendfile, getrandom, getdents64, getdents, readlink,
 *    readlinkat, getcwd) costs COPY_GAS_PER_8_BYTES per started 8 bytes (ceil(n / 8)), counted per
 *    call on the bytes actually transferred; fixed-size structs (stat, timespec, …) are covered by
 *    the base cost;
 *  - every byte kept in stdout or stderr costs OUTPUT_GAS_PER_BYTE on top of the copy cost;
 *  - mmap/brk/mremap cost nothing extra: the pages they make resident are charged by the machine
 *    when they are first touched.
 */

/** Base cost of every system call. */
export const SYSCALL_BASE = 100;
/** Cost per started 8 bytes copied in or out of guest memory by read/write-like calls. */
export const COPY_GAS_PER_8_BYTES = 1;
/** Extra cost per byte written to stdout or stderr. */
export const OUTPUT_GAS_PER_BYTE = 1;

/** Gas for copying n bytes. */
export function copyGas(n: number): number {
  return n <= 0 ? 0 : Math.ceil(n / 8) * COPY_GAS_PER_8_BYTES;
}
