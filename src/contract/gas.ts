/**
 * Gas charged by the contract layer, on top of the machine's (1 per instruction, 64 per page
 * touched: src/machine/gas.ts) and the kernel's (system calls, copies, output bytes:
 * src/kernel/gas.ts). docs/gas.md is the whole schedule.
 *
 * Every cost here is charged while the program runs (added to the kernel's gas meter), so that
 * running out of gas stops the program at a deterministic point:
 *  - storage reads when the call starts (requested keys) or when the program opens /qvm/db/KEY;
 *  - storage writes, deletes and events as soon as their stdout line is complete;
 *  - the code of a deploy before its constructor runs.
 */

/** Each storage read: a key requested for the environment, or a lookup of /qvm/db/KEY. */
export const GAS_STORAGE_READ = 200;
/** Per byte of the value read (nothing for a missing key). */
export const GAS_STORAGE_READ_BYTE = 1;
/** Each DBW instruction. */
export const GAS_STORAGE_WRITE = 2000;
/** Per byte of key and value written by DBW. */
export const GAS_STORAGE_WRITE_BYTE = 16;
/** Each key deleted by DBP. */
export const GAS_STORAGE_DELETE = 500;
/** Each OUT event. */
export const GAS_EVENT = 400;
/** Per byte of event data. */
export const GAS_EVENT_BYTE = 8;
/** Per byte of the ELF of a deploy (charged before the constructor runs). */
export const GAS_CODE_BYTE = 4;

export function storageReadGas(valueBytes: number): number {
  return GAS_STORAGE_READ + valueBytes * GAS_STORAGE_READ_BYTE;
}

export function storageWriteGas(keyBytes: number, valueBytes: number): number {
  return GAS_STORAGE_WRITE + (keyBytes + valueBytes) * GAS_STORAGE_WRITE_BYTE;
}

export function eventGas(dataBytes: number): number {
  return GAS_EVENT + dataBytes * GAS_EVENT_BYTE;
}

export function codeGas(codeBytes: number): number {
  return codeBytes * GAS_CODE_BYTE;
}
