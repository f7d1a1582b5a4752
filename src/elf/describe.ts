/** `qvm inspect`'s description of a parsed ELF image. */
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../mem/memory.js';
import type { ElfImage } from './parse.js';

const hex = (n: number): string => '0x' + n.toString(16);

function protString(prot: number): string {
  return (prot & PROT_READ ? 'r' : '-') + (prot & PROT_WRITE ? 'w' : '-') + (prot & PROT_EXEC ? 'x' : '-');
}

const pad16 = (n: number): string => '0x' + n.toString(16).padStart(12, '0');

/** Human-readable description for `qvm inspect`, one line per array element. */
export function describeElf(img: ElfImage): string[] {
  const lines: string[] = [];
  const kind =
    img.interp !== undefined || img.needed !== undefined
      ? `dynamically linked ${img.type === 'exec' ? 'executable (ET_EXEC)' : 'position-independent executable (ET_DYN)'} — not runnable`
      : img.type === 'exec'
        ? 'static executable (ET_EXEC)'
        : `static-pie (ET_DYN), loaded at bias ${hex(img.loadBias)}`;
  lines.push(`type:     ${kind}`);
  if (img.interp !== undefined) lines.push(`interp:   ${img.interp}`);
  if (img.needed !== undefined) lines.push(`needed:   ${img.needed.join(', ')}`);
  lines.push(`machine:  ${img.machine === 'x86_64' ? 'x86-64' : 'riscv64'}`);
  lines.push(`entry:    ${hex(img.entry)}`);
  lines.push(`phdrs:    ${img.phnum} at ${hex(img.phdrAddr)}`);
  lines.push('segments:');
  lines.push('  phdr  vaddr           memsz       filesz      offset      prot');
  for (const s of img.segments) {
    lines.push(
      `  ${String(s.index).padStart(4)}  ${pad16(s.vaddr)}  ${hex(s.memsz).padEnd(10)}  ${hex(s.filesz).padEnd(10)}  ${hex(s.offset).padEnd(10)}  ${protString(s.prot)}`,
    );
  }
  const total = img.segments.reduce((n, s) => n + s.memsz, 0);
  lines.push(`memory:   ${total} bytes in ${img.segments.length} segment${img.segments.length === 1 ? '' : 's'}`);
  if (img.tls) {
    lines.push(`tls:      ${hex(img.tls.vaddr)} memsz ${hex(img.tls.memsz)} filesz ${hex(img.tls.filesz)} align ${img.tls.align}`);
  } else {
    lines.push('tls:      none');
  }
  lines.push(`stack:    ${img.stackExecutable ? 'executable' : 'non-executable'}`);
  return lines;
}
