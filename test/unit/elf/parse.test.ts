import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ElfError, STATIC_PIE_BASE, describeElf, parseElf } from '../../../src/elf/parse.js';
import {
  AT_EXECFN, AT_NULL, AT_PAGESZ, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PLATFORM, AT_RANDOM, AT_ENTRY,
  EM_AARCH64, EM_X86_64, ET_DYN, ET_EXEC, ET_REL, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP, PT_LOAD, PT_PHDR, PT_TLS,
} from '../../../src/elf/constants.js';
import { Memory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';
import {
  GUEST_EXE_PATH,
  MAX_ARG_BYTES,
  STACK_TOP,
  loadProcessImage,
  type LoadOptions,
} from '../../../src/machine/process-image.js';

// ------------------------------------------------------------------ a tiny ELF assembler

interface Ph {
  type: number;
  flags?: number;
  offset?: number;
  vaddr?: number;
  filesz?: number;
  memsz?: number;
  align?: number;
}

interface ElfSpec {
  cls?: number;
  data?: number;
  machine?: number;
  type?: number;
  entry?: number;
  phoff?: number;
  phentsize?: number;
  phnum?: number;
  phdrs: Ph[];
  size: number;
  blobs?: Array<[number, Uint8Array]>;
}

function buildElf(spec: ElfSpec): Uint8Array {
  const buf = new Uint8Array(spec.size);
  const dv = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46]);
  buf[4] = spec.cls ?? 2;
  buf[5] = spec.data ?? 1;
  buf[6] = 1;
  const phoff = spec.phoff ?? 64;
  const w16 = (o: number, v: number): void => {
    if (o + 2 <= buf.length) dv.setUint16(o, v, true);
  };
  const w32 = (o: number, v: number): void => {
    if (o + 4 <= buf.length) dv.setUint32(o, v, true);
  };
  const w64 = (o: number, v: number): void => {
    if (o + 8 <= buf.length) dv.setBigUint64(o, BigInt(v), true);
  };
  w16(16, spec.type ?? ET_EXEC);
  w16(18, spec.machine ?? EM_X86_64);
  w32(20, 1);
  w64(24, spec.entry ?? 0);
  w64(32, phoff);
  w16(52, 64);
  w16(54, spec.phentsize ?? 56);
  w16(56, spec.phnum ?? spec.phdrs.length);
  spec.phdrs.forEach((p, i) => {
    const o = phoff + i * 56;
    w32(o, p.type);
    w32(o + 4, p.flags ?? 0);
    w64(o + 8, p.offset ?? 0);
    w64(o + 16, p.vaddr ?? 0);
    w64(o + 24, p.vaddr ?? 0);
    w64(o + 32, p.filesz ?? 0);
    w64(o + 40, p.memsz ?? p.filesz ?? 0);
    w64(o + 48, p.align ?? 0x1000);
  });
  for (const [off, b] of spec.blobs ?? []) buf.set(b, off);
  return buf;
}

// mov eax, 60; xor edi, edi; syscall
const EXIT_CODE = Uint8Array.from([0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05]);

/** A valid static executable: text at 0x400000 (with the headers), data+bss, TLS, GNU_STACK. */
function validSpec(): ElfSpec {
  return {
    type: ET_EXEC,
    entry: 0x400200,
    size: 0x1100,
    phdrs: [
      { type: PT_PHDR, flags: PF_R, offset: 64, vaddr: 0x400040, filesz: 5 * 56, align: 8 },
      { type: PT_LOAD, flags: PF_R | PF_X, offset: 0, vaddr: 0x400000, filesz: 0x300 },
      { type: PT_LOAD, flags: PF_R | PF_W, offset: 0x1000, vaddr: 0x401000, filesz: 0x100, memsz: 0x3000 },
      { type: PT_TLS, flags: PF_R, offset: 0x1000, vaddr: 0x401000, filesz: 0x10, memsz: 0x20, align: 16 },
      { type: PT_GNU_STACK, flags: PF_R | PF_W, align: 16 },
    ],
    blobs: [
      [0x200, EXIT_CODE],
      [0x1000, new TextEncoder().encode('DATA-SEGMENT')],
    ],
  };
}

/** loadProcessImage's options: no arguments or environment, zero random bytes, x86-64, unless given. */
function loadOptions(o: Partial<LoadOptions> = {}): LoadOptions {
  return { argv: [], env: [], random: new Uint8Array(16), execfn: GUEST_EXE_PATH, platform: 'x86_64', hwcap: 0, ...o };
}

function newMemory(): Memory {
  return new Memory({ maxResidentBytes: 256 * 1024 * 1024, maxMappedBytes: 2 ** 40 });
}

function throwsElf(bytes: Uint8Array, substr: string | RegExp): void {
  assert.throws(
    () => parseElf(bytes),
    (e: unknown) => {
      assert.ok(e instanceof ElfError, `expected ElfError, got ${String(e)}`);
      if (typeof substr === 'string') assert.ok(e.message.includes(substr), `message "${e.message}" lacks "${substr}"`);
      else assert.match(e.message, substr);
      assert.ok(!e.message.includes('\n'), 'one-line message');
      return true;
    },
  );
}

// ------------------------------------------------------------------ parse: valid

test('parses a minimal static executable', () => {
  const img = parseElf(buildElf(validSpec()));
  assert.equal(img.machine, 'x86_64');
  assert.equal(img.type, 'exec');
  assert.equal(img.entry, 0x400200);
  assert.equal(img.loadBias, 0);
  assert.equal(img.segments.length, 2);
  assert.deepEqual(
    img.segments.map((s) => [s.vaddr, s.memsz, s.filesz, s.offset, s.prot]),
    [
      [0x400000, 0x300, 0x300, 0, PROT_READ | PROT_EXEC],
      [0x401000, 0x3000, 0x100, 0x1000, PROT_READ | PROT_WRITE],
    ],
  );
  assert.equal(img.phdrAddr, 0x400040);
  assert.equal(img.phnum, 5);
  assert.equal(img.phent, 56);
  assert.deepEqual(img.tls, { vaddr: 0x401000, memsz: 0x20, filesz: 0x10, align: 16 });
  assert.equal(img.stackExecutable, false);
  assert.equal(img.interp, undefined);
  const text = describeElf(img).join('\n');
  assert.match(text, /static executable/);
  assert.match(text, /0x400200/);
  assert.match(text, /r-x/);
  assert.match(text, /rw-/);
  assert.match(text, /tls:/);
  assert.match(text, /non-executable/);
});

test('AT_PHDR is computed from the PT_LOAD holding e_phoff when there is no PT_PHDR', () => {
  const spec = validSpec();
  spec.phdrs[0] = { type: PT_GNU_STACK, flags: PF_R | PF_W | PF_X };
  spec.phdrs[4] = { type: 0x6474e552 /* PT_GNU_RELRO */ };
  const img = parseElf(buildElf(spec));
  assert.equal(img.phdrAddr, 0x400040);
  assert.equal(img.stackExecutable, true);
  assert.equal(img.tls?.align, 16);
});

test('static-pie (ET_DYN without PT_INTERP) is relocated to STATIC_PIE_BASE', () => {
  const spec = validSpec();
  spec.type = ET_DYN;
  spec.entry = 0x200;
  spec.phdrs = [
    { type: PT_PHDR, flags: PF_R, offset: 64, vaddr: 0x40, filesz: 3 * 56, align: 8 },
    { type: PT_LOAD, flags: PF_R | PF_X, offset: 0, vaddr: 0, filesz: 0x300 },
    { type: PT_LOAD, flags: PF_R | PF_W, offset: 0x1000, vaddr: 0x1000, filesz: 0x100, memsz: 0x200 },
  ];
  const img = parseElf(buildElf(spec));
  assert.equal(img.type, 'static-pie');
  assert.equal(img.loadBias, STATIC_PIE_BASE);
  assert.equal(img.entry, STATIC_PIE_BASE + 0x200);
  assert.equal(img.phdrAddr, STATIC_PIE_BASE + 0x40);
  assert.equal(img.segments[1]!.vaddr, STATIC_PIE_BASE + 0x1000);
});

test('segments sharing a page (without overlapping bytes) are accepted', () => {
  const spec = validSpec();
  // data right after text, in the same page: offset 0x300 -> vaddr 0x400300
  spec.phdrs[2] = { type: PT_LOAD, flags: PF_R | PF_W, offset: 0x300, vaddr: 0x400300, filesz: 0x10, memsz: 0x2000 };
  spec.blobs!.push([0x300, Uint8Array.from([1, 2, 3, 4])]);
  spec.phdrs[3] = { type: PT_TLS, flags: PF_R, offset: 0x300, vaddr: 0x400300, filesz: 4, memsz: 8, align: 8 };
  const bytes = buildElf(spec);
  const img = parseElf(bytes);
  assert.equal(img.segments.length, 2);

  const mem = newMemory();
  const r = loadProcessImage(mem, img, bytes, loadOptions());
  // The shared page has the union of both segments' permissions; both segments' bytes survive.
  const shared = mem.findMapping(0x400000)!;
  assert.equal(shared.prot, PROT_READ | PROT_WRITE | PROT_EXEC);
  assert.equal(shared.end, 0x401000);
  assert.deepEqual(mem.read(0x400200, EXIT_CODE.length), EXIT_CODE);
  assert.deepEqual(mem.read(0x400300, 4), Uint8Array.from([1, 2, 3, 4]));
  assert.deepEqual(mem.read(0x400310, 4), new Uint8Array(4)); // bss is zero
  // Pure-bss page after it: data permissions only, anonymous.
  const bss = mem.findMapping(0x401000)!;
  assert.equal(bss.prot, PROT_READ | PROT_WRITE);
  assert.equal(bss.name, '');
  assert.equal(r.brkStart, 0x403000);
});

// ------------------------------------------------------------------ parse: malformed

test('rejects bad magic', () => {
  const b = buildElf(validSpec());
  b[1] = 0x46;
  throwsElf(b, 'not an ELF file (bad magic)');
  throwsElf(new Uint8Array(0), 'bad magic');
  throwsElf(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'bad magic');
});

test('rejects 32-bit and big-endian ELF', () => {
  throwsElf(buildElf({ ...validSpec(), cls: 1 }), '32-bit ELF is not supported');
  throwsElf(buildElf({ ...validSpec(), data: 2 }), 'big-endian ELF is not supported');
});

test('rejects a foreign architecture', () => {
  throwsElf(buildElf({ ...validSpec(), machine: EM_AARCH64 }), 'wrong architecture: EM_AARCH64 (183), expected x86-64 (62)');
});

test('accepts riscv64 as a machine value', () => {
  assert.equal(parseElf(buildElf({ ...validSpec(), machine: 243 })).machine, 'riscv64');
});

test('rejects dynamically linked executables (PT_INTERP)', () => {
  const spec = validSpec();
  const interp = new TextEncoder().encode('/lib64/ld-linux-x86-64.so.2\0');
  spec.phdrs[4] = { type: PT_INTERP, flags: PF_R, offset: 0x280, vaddr: 0x400280, filesz: interp.length, align: 1 };
  spec.blobs!.push([0x280, interp]);
  const bytes = buildElf(spec);
  throwsElf(bytes, 'dynamically linked executable (has PT_INTERP /lib64/ld-linux-x86-64.so.2): QVM runs only static binaries');
  throwsElf(buildElf({ ...spec, type: ET_DYN }), 'dynamically linked');
  // inspect can still describe it
  const img = parseElf(bytes, { allowDynamic: true });
  assert.equal(img.interp, '/lib64/ld-linux-x86-64.so.2');
  assert.match(describeElf(img).join('\n'), /not runnable/);
});

test('rejects a truncated header', () => {
  const b = buildElf(validSpec());
  throwsElf(b.subarray(0, 40), 'truncated file: ELF header needs 64 bytes, file has 40');
});

test('rejects a program header table past the end of the file', () => {
  throwsElf(buildElf({ ...validSpec(), phoff: 0x10f0 }), /truncated file: program header table at offset 0x10f0 .* extends past end of file \(size 0x1100\)/);
  throwsElf(buildElf({ ...validSpec(), phnum: 200 }), 'extends past end of file');
});

test('rejects a wrong program header entry size', () => {
  throwsElf(buildElf({ ...validSpec(), phentsize: 32 }), 'program header entry size 32');
});

/** Segment 2 of the valid file changed, and the one-line error it must give. */
const BAD_SEGMENTS: ReadonlyArray<{ what: string; change: Partial<Ph>; error: string }> = [
  { what: 'a file range past the end of the file', change: { filesz: 0x200 }, error: 'segment 2: file range 0x1000..0x1200 past end of file (size 0x1100)' },
  { what: 'filesz > memsz', change: { memsz: 0x80 }, error: 'segment 2: p_filesz 0x100 is larger than p_memsz 0x80' },
  { what: 'an address and offset that are not page-congruent', change: { vaddr: 0x401800 }, error: 'not congruent' },
  { what: 'a range outside the user address space', change: { vaddr: 0x7ffffffff000, memsz: 0x2000 }, error: 'outside the user address space' },
];

for (const { what, change, error } of BAD_SEGMENTS) {
  test(`rejects a segment with ${what}`, () => {
    const spec = validSpec();
    Object.assign(spec.phdrs[2]!, change);
    throwsElf(buildElf(spec), error);
  });
}

test('rejects overlapping segments', () => {
  const spec = validSpec();
  spec.phdrs[2] = { type: PT_LOAD, flags: PF_R | PF_W, offset: 0x1000, vaddr: 0x400000, filesz: 0x100, memsz: 0x200 };
  throwsElf(buildElf(spec), 'segments 1 and 2 overlap at 0x400000');
  spec.phdrs[2] = { type: PT_LOAD, flags: PF_R | PF_W, offset: 0x2f0, vaddr: 0x4002f0, filesz: 0x10 };
  throwsElf(buildElf(spec), 'segments 1 and 2 overlap at 0x4002f0');
});


test('rejects an entry point outside the segments or in a non-executable one', () => {
  throwsElf(buildElf({ ...validSpec(), entry: 0x900000 }), 'entry point 0x900000 is not inside any PT_LOAD segment');
  throwsElf(buildElf({ ...validSpec(), entry: 0x401010 }), 'entry point 0x401010 is in segment 2, which is not executable');
});

test('rejects a file without PT_LOAD', () => {
  const spec = validSpec();
  spec.phdrs = spec.phdrs.filter((p) => p.type !== PT_LOAD);
  throwsElf(buildElf(spec), 'no PT_LOAD segment');
});

test('rejects relocatable objects, core files and shared libraries without entry', () => {
  throwsElf(buildElf({ ...validSpec(), type: ET_REL }), 'not an executable (ET_REL)');
  throwsElf(buildElf({ ...validSpec(), type: 4 }), 'not an executable (ET_CORE)');
  throwsElf(buildElf({ ...validSpec(), type: ET_DYN, entry: 0 }), 'shared library without entry');
});

test('rejects segments below the lowest mappable address', () => {
  const low = validSpec();
  low.phdrs[1]!.vaddr = 0x1000;
  low.entry = 0x1200;
  throwsElf(buildElf(low), 'below the lowest mappable address');
});

// ------------------------------------------------------------------ process image

function readU64(mem: Memory, addr: number): number {
  return Number(mem.read64Big(addr));
}

test('loadProcessImage builds the Linux initial stack', () => {
  const bytes = buildElf(validSpec());
  const img = parseElf(bytes);
  const mem = newMemory();
  const enc = new TextEncoder();
  const argv = ['contract', 'hello', ''].map((s) => enc.encode(s));
  const env = ['A=1', 'PATH=/bin', 'TZ=UTC'].map((s) => enc.encode(s));
  const random = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const r = loadProcessImage(mem, img, bytes, {
    argv,
    env,
    random,
    execfn: GUEST_EXE_PATH,
    platform: 'x86_64',
    hwcap: 0x178bfbff,
  });
  assert.equal(r.entry, 0x400200);
  assert.equal(r.brkStart, 0x404000);
  assert.equal(r.stackPointer % 16, 0);
  assert.ok(r.stackPointer < STACK_TOP && r.stackPointer > STACK_TOP - 64 * 1024);

  // segments are mapped with their permissions and contents
  assert.equal(mem.findMapping(0x400000)!.prot, PROT_READ | PROT_EXEC);
  assert.equal(mem.findMapping(0x400000)!.name, GUEST_EXE_PATH);
  assert.equal(mem.findMapping(0x401000)!.prot, PROT_READ | PROT_WRITE);
  assert.deepEqual(mem.read(0x400200, EXIT_CODE.length), EXIT_CODE);
  assert.equal(new TextDecoder().decode(mem.read(0x401000, 12)), 'DATA-SEGMENT');
  assert.deepEqual(mem.read(0x401100, 16), new Uint8Array(16));
  assert.equal(mem.findMapping(STACK_TOP - 1)!.name, '[stack]');

  const cstr = (addr: number): string => new TextDecoder().decode(mem.readCString(addr, 4096)!);
  let p = r.stackPointer;
  assert.equal(readU64(mem, p), 3);
  p += 8;
  // a NULL-terminated array of string pointers (argv, then envp)
  const strings = (): string[] => {
    const out: string[] = [];
    for (let a = readU64(mem, p); a !== 0; a = readU64(mem, p)) {
      out.push(cstr(a));
      p += 8;
    }
    p += 8;
    return out;
  };
  assert.deepEqual(strings(), ['contract', 'hello', '']);
  assert.deepEqual(strings(), ['A=1', 'PATH=/bin', 'TZ=UTC']);
  const aux = new Map<number, number>();
  const order: number[] = [];
  for (;;) {
    const t = readU64(mem, p);
    const v = readU64(mem, p + 8);
    p += 16;
    if (t === AT_NULL) break;
    aux.set(t, v);
    order.push(t);
  }
  assert.deepEqual(order, [16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 26, 31, 15]);
  assert.equal(aux.get(AT_PHDR), 0x400040);
  assert.equal(aux.get(AT_PHENT), 56);
  assert.equal(aux.get(AT_PHNUM), 5);
  assert.equal(aux.get(AT_PAGESZ), 4096);
  assert.equal(aux.get(AT_ENTRY), 0x400200);
  assert.equal(aux.get(16), 0x178bfbff);
  assert.equal(aux.get(11), 1000);
  assert.ok(!aux.has(33), 'no AT_SYSINFO_EHDR');
  assert.deepEqual(mem.read(aux.get(AT_RANDOM)!, 16), random);
  assert.equal(cstr(aux.get(AT_EXECFN)!), GUEST_EXE_PATH);
  assert.equal(cstr(aux.get(AT_PLATFORM)!), 'x86_64');
  // AT_PHDR really points at the program headers (first one is PT_PHDR)
  assert.equal(mem.read32(aux.get(AT_PHDR)!), PT_PHDR);
  // strings are laid out as Linux does: argv, then envp, then execfn, then 8 zero bytes at the top
  assert.equal(r.argStart, readU64(mem, r.stackPointer + 8));
  assert.equal(r.envEnd, aux.get(AT_EXECFN));
  assert.equal(aux.get(AT_EXECFN)! + GUEST_EXE_PATH.length + 1, STACK_TOP - 8);
  assert.equal(readU64(mem, STACK_TOP - 8), 0);
  assert.deepEqual(r.auxv.map(([t]) => t), order);
});

test('loadProcessImage stays 16-byte aligned for any argument count', () => {
  const bytes = buildElf(validSpec());
  const img = parseElf(bytes);
  for (let n = 0; n < 6; n++) {
    for (let m = 0; m < 3; m++) {
      const mem = newMemory();
      const r = loadProcessImage(mem, img, bytes, loadOptions({
        argv: Array.from({ length: n }, (_, i) => new TextEncoder().encode('x'.repeat(i))),
        env: Array.from({ length: m }, () => new TextEncoder().encode('K=V')),
        execfn: 'c',
      }));
      assert.equal(r.stackPointer % 16, 0);
      assert.equal(readU64(mem, r.stackPointer), n);
    }
  }
});

test('loadProcessImage refuses oversized arguments', () => {
  const bytes = buildElf(validSpec());
  const img = parseElf(bytes);
  assert.throws(
    () =>
      loadProcessImage(newMemory(), img, bytes, loadOptions({ argv: [new Uint8Array(MAX_ARG_BYTES).fill(0x41)], execfn: 'c' })),
    /argument list too long/,
  );
});

// ------------------------------------------------------------------ real toolchain output

const GCC = '/usr/bin/gcc';
const haveGcc = existsSync(GCC);

test('real gcc binaries: static, static-pie, dynamic', { skip: !haveGcc && 'gcc not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'qvm-elf-'));
  try {
    const src = join(dir, 'hello.c');
    writeFileSync(src, '#include <stdio.h>\n__thread int t = 5;\nint main(int c, char **v) { printf("hi %d %d\\n", c, t); return 0; }\n');
    const build = (out: string, flags: string[]): Uint8Array | null => {
      try {
        execFileSync(GCC, [...flags, '-o', join(dir, out), src], { stdio: 'pipe' });
      } catch {
        return null; // e.g. no static libc installed
      }
      return new Uint8Array(readFileSync(join(dir, out)));
    };

    const stat = build('static', ['-static', '-O2']);
    if (stat) {
      const img = parseElf(stat);
      assert.equal(img.type, 'exec');
      assert.equal(img.machine, 'x86_64');
      assert.ok(img.tls, 'has PT_TLS');
      const mem = newMemory();
      const r = loadProcessImage(mem, img, stat, loadOptions({ argv: [new TextEncoder().encode('contract')] }));
      // the program headers are visible at AT_PHDR
      const phoff = Number(new DataView(stat.buffer, stat.byteOffset).getBigUint64(32, true));
      assert.deepEqual(mem.read(img.phdrAddr, img.phnum * 56), stat.subarray(phoff, phoff + img.phnum * 56));
      assert.equal(r.stackPointer % 16, 0);
      // the entry point's bytes are the file's
      const seg = img.segments.find((s) => img.entry >= s.vaddr && img.entry < s.vaddr + s.filesz)!;
      assert.deepEqual(mem.read(img.entry, 4), stat.subarray(seg.offset + img.entry - seg.vaddr, seg.offset + img.entry - seg.vaddr + 4));
    }

    const pie = build('pie', ['-static-pie', '-O2']);
    if (pie) {
      const img = parseElf(pie);
      assert.equal(img.type, 'static-pie');
      assert.ok(img.entry > STATIC_PIE_BASE);
      loadProcessImage(newMemory(), img, pie, loadOptions());
    }

    const dyn = build('dyn', ['-O2']);
    if (dyn) throwsElf(dyn, /dynamically linked executable \(has PT_INTERP .*ld-linux.*\): QVM runs only static binaries/);

    const so = build('lib.so', ['-shared', '-fPIC', '-O2']);
    if (so) throwsElf(so, /shared library without entry|dynamically linked/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('real musl-gcc static binary', { skip: !existsSync('/usr/bin/musl-gcc') && 'musl-gcc not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'qvm-elf-'));
  try {
    const src = join(dir, 'm.c');
    writeFileSync(src, 'int main(void) { return 0; }\n');
    execFileSync('/usr/bin/musl-gcc', ['-static', '-O2', '-o', join(dir, 'm'), src], { stdio: 'pipe' });
    const bytes = new Uint8Array(readFileSync(join(dir, 'm')));
    const img = parseElf(bytes);
    assert.ok(img.type === 'exec' || img.type === 'static-pie');
    assert.ok(describeElf(img).length > 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
