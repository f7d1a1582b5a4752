/**
 * Shared by the riscv64 tests: the riscv64 corpus built by test/setup-riscv64.sh and reference
 * runs under qemu-riscv64 with exactly the corpus inputs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../src/machine/types.js';
import { ARGV, BUILD, ENV, STDIN, outcomeDifferences, runHost, type Binary, type Outcome } from './helpers.js';

export const RV_BUILD = join(BUILD, 'rv64');

/** qemu-riscv64 present (Debian qemu-user)? */
export function haveQemuRiscv(): boolean {
  return spawnSync('qemu-riscv64', ['-version'], { stdio: 'ignore' }).status === 0;
}

/** The riscv64 corpus binaries (<name>.rv64.O0|O2), sorted; empty without the cross compiler. */
export function riscvBinaries(dir = RV_BUILD): Binary[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.rv64\.O[02]$/.test(f))
    .sort()
    .map((file) => ({ file, program: file.replace(/\.rv64\.O[02]$/, ''), path: join(dir, file) }));
}

/**
 * Run a riscv64 binary under qemu-riscv64 with the corpus argv, environment and stdin. qemu-user
 * hands its environment to the guest in reverse order, so it gets the list reversed.
 */
export function runQemu(path: string, argv: string[] = ARGV, env: string[] = ENV, stdin: Uint8Array = STDIN): Outcome {
  return runHost('qemu-riscv64', ['-0', argv[0]!, path], path, argv, [...env].reverse(), stdin);
}

/** The differences between a qemu-riscv64 reference run and a QVM run (empty when they agree). */
export function differences(ref: Outcome, r: RunResult): string[] {
  return outcomeDifferences('qemu', ref, r);
}

/**
 * A qemu reference run for a QVM result: qemu runs in real time, so on a loaded host a program
 * whose output depends on sleep order (alarm_pause, selecttime) gets three tries to agree.
 * QVM's virtual time cannot reorder, so only the reference is retried.
 */
export function qemuReference(run: () => Outcome, r: RunResult): Outcome {
  let ref = run();
  for (let k = 0; k < 2 && differences(ref, r).length > 0; k++) ref = run();
  return ref;
}
