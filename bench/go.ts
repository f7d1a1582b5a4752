/**
 * Go contract benchmark: a QAN-style register contract (test/go/register: reads two environment
 * variables, prints four lines; built by test/setup.sh) called cold:
 *
 *  - QVM in-process: the first runElf of the binary in a fresh Node process (no JIT warm-up), and a
 *    warm call after it;
 *  - QVM CLI: `node dist/src/cli/main.js run …` from process start to exit;
 *  - native and qemu-x86_64 (when installed), process start to exit (best of 5);
 *  - the instructions the Go runtime retires before main.main (the binary is patched so main.main
 *    is a bare exit_group(0)).
 *
 *   node dist/bench/go.js
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runElf } from '../src/machine/run.js';

const root = new URL('../..', import.meta.url).pathname;
const binary = `${root}test/build/go/register`;
const ENV = ['QAN_NAME=alice', 'QAN_USER=0x1234'];

function best(cmd: string[], reps: number): number | null {
  let b = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd[0]!, cmd.slice(1), { env: Object.fromEntries(ENV.map((e) => e.split('='))), encoding: 'utf8' });
    const t = performance.now() - t0;
    if (r.error || r.status !== 0) return null;
    b = Math.min(b, t);
  }
  return b;
}

/** Virtual address of an ELF64 symbol, and its file offset. */
function symbol(elf: Buffer, name: string): { addr: number; off: number } | null {
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const sec = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      type: elf.readUInt32LE(o + 4),
      addr: Number(elf.readBigUInt64LE(o + 0x10)),
      off: Number(elf.readBigUInt64LE(o + 0x18)),
      size: Number(elf.readBigUInt64LE(o + 0x20)),
      link: elf.readUInt32LE(o + 0x28),
    };
  };
  for (let i = 0; i < shnum; i++) {
    const s = sec(i);
    if (s.type !== 2) continue; // SHT_SYMTAB
    const str = sec(s.link);
    for (let o = s.off; o < s.off + s.size; o += 24) {
      const nameOff = elf.readUInt32LE(o);
      const end = elf.indexOf(0, str.off + nameOff);
      if (elf.toString('latin1', str.off + nameOff, end) !== name) continue;
      const addr = Number(elf.readBigUInt64LE(o + 8));
      const shndx = elf.readUInt16LE(o + 6);
      const owner = sec(shndx);
      return { addr, off: owner.off + (addr - owner.addr) };
    }
  }
  return null;
}

function main(): void {
  if (!existsSync(binary)) {
    console.log(`${binary} missing (run: bash test/setup.sh)`);
    return;
  }
  const bytes = readFileSync(binary);
  const opts = { argv: ['contract'], env: ENV };
  const t0 = performance.now();
  const cold = runElf(bytes, opts);
  const coldMs = performance.now() - t0;
  const t1 = performance.now();
  const warm = runElf(bytes, opts);
  const warmMs = performance.now() - t1;
  console.log(`register contract output:\n${Buffer.from(cold.stdout).toString().trimEnd()}`);
  console.log(`QVM in-process: cold ${coldMs.toFixed(1)} ms, warm ${warmMs.toFixed(1)} ms; ${cold.instructions} instructions, ${cold.syscalls} syscalls, gas ${cold.gasUsed} (warm gas ${warm.gasUsed})`);
  const cli = best([process.execPath, `${root}dist/src/cli/main.js`, 'run', ...ENV.flatMap((e) => ['--env', e]), binary], 3);
  console.log(`QVM CLI (node start to exit): ${cli === null ? 'failed' : cli.toFixed(1) + ' ms'}`);
  const nat = best([binary], 5);
  console.log(`native: ${nat === null ? 'failed' : nat.toFixed(2) + ' ms'}`);
  const qemu = spawnSync('sh', ['-c', 'command -v qemu-x86_64'], { encoding: 'utf8' }).stdout.trim();
  if (qemu) {
    const q = best([qemu, binary], 5);
    console.log(`qemu-x86_64: ${q === null ? 'failed' : q.toFixed(1) + ' ms'}`);
  } else console.log('qemu-x86_64: not installed');

  const sym = symbol(bytes, 'main.main');
  if (sym) {
    const patched = Buffer.from(bytes);
    // mov eax, 231 (exit_group); xor edi, edi; syscall
    Buffer.from([0xb8, 0xe7, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05]).copy(patched, sym.off);
    const r = runElf(patched, opts);
    console.log(`Go runtime start-up: ${r.instructions - 3} instructions before main.main (0x${sym.addr.toString(16)}), ${r.syscalls - 1} syscalls, exit ${r.exitCode}`);
  } else console.log('main.main not found (stripped binary?)');
}

main();
