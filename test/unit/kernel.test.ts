import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { keccak_256 } from '@noble/hashes/sha3';
import { Memory, MemoryFault, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/mem/memory.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { syscallNames, syscallNumber } from '../../src/kernel/arch/index.js';
import type { ThreadContext } from '../../src/kernel/types.js';
import { DEFAULT_LIMITS, type BlockContext, type Limits } from '../../src/machine/types.js';
import { SYSCALLS } from '../../src/kernel/syscalls/index.js';
import { MemFile, ProviderDir } from '../../src/kernel/vfs/inode.js';
import { TMPFS_MAGIC } from '../../src/kernel/vfs/vfs.js';
import { readFileSync } from 'node:fs';

// ---------------------------------------------------------------------------- fixtures

const ENOENT = 2n;
const EBADF = 9n;
const ENOMEM = 12n;
const EFAULT = 14n;
const EEXIST = 17n;
const EINVAL = 22n;
const EMFILE = 24n;
const ENOTTY = 25n;
const ESPIPE = 29n;
const EROFS = 30n;
const ENOSYS = 38n;

const AT_FDCWD = -100;
const O_RDONLY = 0;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_TRUNC = 0o1000;
const O_APPEND = 0o2000;
const O_DIRECTORY = 0o200000;
const O_CLOEXEC = 0o2000000;

const SCRATCH = 0x10000;
const SCRATCH_LEN = 1 << 20;
const BRK_START = 0x600000;
const MMAP_BASE = 0x7ffff7fff000;

function block(prev = 0x11, tx = 0x22, timestamp = 1_700_000_000n): BlockContext {
  return {
    number: 42n,
    timestamp,
    prevBlockHash: new Uint8Array(32).fill(prev),
    txHash: new Uint8Array(32).fill(tx),
    chainId: 1337n,
  };
}

class FakeThread implements ThreadContext {
  /** Instructions retired (1 ns each). */
  instructions = 0;
  fs = 0;
  gs = 0;
  kernel: Kernel | null = null;
  constructor(readonly mem: Memory) {}
  virtualNanos(): number {
    return this.instructions + (this.kernel?.sleptNanos ?? 0);
  }
  setThreadPointer(addr: number): void {
    this.fs = addr;
  }
  getThreadPointer(): number {
    return this.fs;
  }
  setGsBase(addr: number): void {
    this.gs = addr;
  }
  getGsBase(): number {
    return this.gs;
  }
}

interface Setup {
  k: Kernel;
  t: FakeThread;
  mem: Memory;
  /** Call by name with number/bigint args. */
  sys(name: string, ...args: Array<number | bigint>): bigint;
  /** Put a NUL-terminated string at an address in the scratch area, return the address. */
  str(s: string, at?: number): number;
}

let strCursor = 0;

function setup(opts: { stdin?: string; limits?: Partial<Limits>; prev?: number; tx?: number; trace?: boolean } = {}): Setup {
  const mem = new Memory({ maxResidentBytes: 64 << 20, maxMappedBytes: 4 * 2 ** 30 });
  mem.map(SCRATCH, SCRATCH_LEN, PROT_READ | PROT_WRITE, 'scratch');
  const t = new FakeThread(mem);
  const k = new Kernel({
    mem,
    arch: 'x86_64',
    block: block(opts.prev, opts.tx),
    stdin: new TextEncoder().encode(opts.stdin ?? ''),
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    brkStart: BRK_START,
    mmapBase: MMAP_BASE,
    trace: opts.trace,
  });
  t.kernel = k;
  strCursor = SCRATCH + SCRATCH_LEN - 64 * 1024;
  return {
    k,
    t,
    mem,
    sys(name, ...args) {
      const nr = syscallNumber('x86_64', name);
      assert.notEqual(nr, undefined, `no syscall ${name}`);
      const raw = args.map((v) => BigInt.asUintN(64, BigInt(v)));
      while (raw.length < 6) raw.push(0n);
      return k.syscall(nr!, raw, t);
    },
    str(s, at) {
      const addr = at ?? strCursor;
      const bytes = new TextEncoder().encode(s + '\0');
      mem.write(addr, bytes);
      if (at === undefined) strCursor += Math.ceil(bytes.length / 16) * 16;
      return addr;
    },
  };
}

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const BUF = SCRATCH; // general-purpose buffer (first 512 KiB of scratch)

function parseDirents64(buf: Uint8Array): string[] {
  const names: string[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off < buf.length) {
    const reclen = dv.getUint16(off + 16, true);
    const nameBytes = buf.subarray(off + 19, off + reclen);
    names.push(dec(nameBytes.subarray(0, nameBytes.indexOf(0))));
    off += reclen;
  }
  return names;
}

// ---------------------------------------------------------------------------- tests

describe('kernel: syscall tables', () => {
  it('x86-64 numbers map to kernel names', () => {
    const t = syscallNames('x86_64');
    assert.equal(t.get(0), 'read');
    assert.equal(t.get(9), 'mmap');
    assert.equal(t.get(60), 'exit');
    assert.equal(t.get(158), 'arch_prctl');
    assert.equal(t.get(202), 'futex');
    assert.equal(t.get(231), 'exit_group');
    assert.equal(t.get(257), 'openat');
    assert.equal(t.get(262), 'newfstatat');
    assert.equal(t.get(302), 'prlimit64');
    assert.equal(t.get(318), 'getrandom');
    assert.equal(t.get(332), 'statx');
    assert.equal(t.get(334), 'rseq');
    assert.equal(t.get(435), 'clone3');
    assert.equal(t.get(439), 'faccessat2');
  });

  it('riscv64 numbers map to kernel names', () => {
    const t = syscallNames('riscv64');
    assert.equal(t.get(56), 'openat');
    assert.equal(t.get(63), 'read');
    assert.equal(t.get(64), 'write');
    assert.equal(t.get(93), 'exit');
    assert.equal(t.get(94), 'exit_group');
    assert.equal(t.get(214), 'brk');
    assert.equal(t.get(222), 'mmap');
    assert.equal(t.get(278), 'getrandom');
    assert.equal(t.get(291), 'statx');
  });

  it('every implemented name exists in some architecture table', () => {
    const known = new Set([...syscallNames('x86_64').values(), ...syscallNames('riscv64').values()]);
    for (const name of Object.keys(SYSCALLS)) assert.ok(known.has(name), name);
  });
});

describe('kernel: docs', () => {
  it('docs/syscalls.md mentions every system call of both tables', () => {
    const doc = readFileSync(new URL('../../../docs/syscalls.md', import.meta.url), 'utf8');
    const names = new Set([...syscallNames('x86_64').values(), ...syscallNames('riscv64').values()]);
    const missing = [...names].filter((n) => !doc.includes('`' + n + '`'));
    assert.deepEqual(missing, []);
  });
});

describe('kernel: stdio', () => {
  it('write to stdout and stderr accumulates and charges gas', () => {
    const { k, sys, mem } = setup();
    mem.write(BUF, new TextEncoder().encode('hello, world\n'));
    assert.equal(sys('write', 1, BUF, 13), 13n);
    assert.equal(sys('write', 2, BUF, 5), 5n);
    assert.equal(dec(k.stdout), 'hello, world\n');
    assert.equal(dec(k.stderr), 'hello');
    // 2 × base + copy ceil(13/8)=2 + ceil(5/8)=1 + 18 output bytes
    assert.equal(k.gas, 200 + 2 + 1 + 18);
    assert.equal(k.syscallCount, 2);
  });

  it('read from stdin returns the payload then EOF', () => {
    const { sys, mem } = setup({ stdin: 'payload' });
    assert.equal(sys('read', 0, BUF, 4), 4n);
    assert.equal(dec(mem.read(BUF, 4)), 'payl');
    assert.equal(sys('read', 0, BUF, 100), 3n);
    assert.equal(dec(mem.read(BUF, 3)), 'oad');
    assert.equal(sys('read', 0, BUF, 100), 0n);
  });

  it('stdin is not seekable and stdout is not readable', () => {
    const { sys } = setup({ stdin: 'x' });
    assert.equal(sys('lseek', 0, 0, 0), -ESPIPE);
    assert.equal(sys('read', 1, BUF, 1), -EBADF);
    assert.equal(sys('write', 0, BUF, 1), -EBADF);
    assert.equal(sys('ioctl', 1, 0x5401, BUF), -ENOTTY); // TCGETS: not a terminal
  });

  it('writev gathers buffers', () => {
    const { k, sys, mem } = setup();
    mem.write(BUF, new TextEncoder().encode('abc'));
    mem.write(BUF + 100, new TextEncoder().encode('defg'));
    const iov = new DataView(new ArrayBuffer(32));
    iov.setBigUint64(0, BigInt(BUF), true);
    iov.setBigUint64(8, 3n, true);
    iov.setBigUint64(16, BigInt(BUF + 100), true);
    iov.setBigUint64(24, 4n, true);
    mem.write(BUF + 200, new Uint8Array(iov.buffer));
    assert.equal(sys('writev', 1, BUF + 200, 2), 7n);
    assert.equal(dec(k.stdout), 'abcdefg');
  });

  it('output beyond the stdout limit keeps what fits and kills the run', () => {
    const { k, sys, mem } = setup({ limits: { stdoutBytes: 10 } });
    mem.write(BUF, new TextEncoder().encode('0123456789abcdef'));
    assert.equal(sys('write', 1, BUF, 16), 10n);
    assert.equal(dec(k.stdout), '0123456789');
    assert.deepEqual(k.killed, { kind: 'limit', reason: 'stdout limit exceeded (10 bytes)', signal: 0 });
  });

  it('/dev/stdout opens the same output', () => {
    const { k, sys, mem, str } = setup();
    const fd = sys('openat', AT_FDCWD, str('/dev/stdout'), O_WRONLY, 0);
    assert.equal(fd, 3n);
    mem.write(BUF, new TextEncoder().encode('via dev'));
    assert.equal(sys('write', fd, BUF, 7), 7n);
    assert.equal(dec(k.stdout), 'via dev');
  });
});

describe('kernel: files', () => {
  it('creates, writes, seeks and reads a /tmp file', () => {
    const { sys, mem, str } = setup();
    const fd = sys('openat', AT_FDCWD, str('/tmp/f.txt'), O_CREAT | O_RDWR, 0o644);
    assert.equal(fd, 3n);
    mem.write(BUF, new TextEncoder().encode('some data'));
    assert.equal(sys('write', fd, BUF, 9), 9n);
    assert.equal(sys('lseek', fd, 0, 1), 9n); // SEEK_CUR
    assert.equal(sys('lseek', fd, 5, 0), 5n); // SEEK_SET
    assert.equal(sys('read', fd, BUF + 100, 100), 4n);
    assert.equal(dec(mem.read(BUF + 100, 4)), 'data');
    assert.equal(sys('pread64', fd, BUF + 200, 4, 0), 4n);
    assert.equal(dec(mem.read(BUF + 200, 4)), 'some');
    assert.equal(sys('lseek', fd, 0, 2), 9n); // SEEK_END

    // fstat: regular file, 0644 (umask 022), size 9, owned by 1000
    assert.equal(sys('fstat', fd, BUF + 1000), 0n);
    const st = new DataView(mem.read(BUF + 1000, 144).buffer);
    assert.equal(st.getUint32(24, true), 0o100644);
    assert.equal(st.getUint32(28, true), 1000);
    assert.equal(st.getBigInt64(48, true), 9n);
    assert.equal(st.getBigInt64(88, true), 1_700_000_000n); // mtime seconds = block timestamp
    assert.equal(sys('close', fd), 0n);
    assert.equal(sys('close', fd), -EBADF);

    // O_EXCL on an existing file, O_TRUNC, O_APPEND
    assert.equal(sys('openat', AT_FDCWD, str('/tmp/f.txt'), O_CREAT | O_EXCL | O_WRONLY, 0o644), -EEXIST);
    const fd2 = sys('openat', AT_FDCWD, str('/tmp/f.txt'), O_WRONLY | O_APPEND, 0);
    assert.equal(sys('write', fd2, BUF, 4), 4n);
    assert.equal(sys('stat', str('/tmp/f.txt'), BUF + 1000), 0n);
    assert.equal(new DataView(mem.read(BUF + 1000, 144).buffer).getBigInt64(48, true), 13n);
    const fd3 = sys('openat', AT_FDCWD, str('/tmp/f.txt'), O_WRONLY | O_TRUNC, 0);
    assert.equal(sys('fstat', fd3, BUF + 1000), 0n);
    assert.equal(new DataView(mem.read(BUF + 1000, 144).buffer).getBigInt64(48, true), 0n);
  });

  it('openat of a missing file is ENOENT; writes outside /tmp are refused', () => {
    const { sys, str } = setup();
    assert.equal(sys('openat', AT_FDCWD, str('/tmp/missing'), O_RDONLY, 0), -ENOENT);
    assert.equal(sys('openat', AT_FDCWD, str('/nope/x'), O_CREAT | O_WRONLY, 0o644), -ENOENT);
    assert.equal(sys('openat', AT_FDCWD, str('/etc/passwd'), O_RDONLY, 0), -ENOENT);
    assert.equal(sys('openat', AT_FDCWD, str('/x'), O_CREAT | O_WRONLY, 0o644), -EROFS);
    assert.equal(sys('mkdir', str('/qvm'), 0o755), -EROFS);
  });

  it('getdents64 lists entries sorted, with . and .. first', () => {
    const { sys, mem, str } = setup();
    for (const n of ['zeta', 'alpha', 'Mid', 'beta']) {
      const fd = sys('openat', AT_FDCWD, str('/tmp/' + n), O_CREAT | O_WRONLY, 0o600);
      sys('close', fd);
    }
    assert.equal(sys('mkdir', str('/tmp/dir'), 0o755), 0n);
    const fd = sys('openat', AT_FDCWD, str('/tmp'), O_RDONLY | O_DIRECTORY, 0);
    const n = sys('getdents64', fd, BUF, 4096);
    assert.ok(n > 0n);
    assert.deepEqual(parseDirents64(mem.read(BUF, Number(n))), ['.', '..', 'Mid', 'alpha', 'beta', 'dir', 'zeta']);
    assert.equal(sys('getdents64', fd, BUF, 4096), 0n);
    // a buffer too small for one entry
    assert.equal(sys('lseek', fd, 0, 0), 0n);
    assert.equal(sys('getdents64', fd, BUF, 8), -EINVAL);
    // root listing
    const root = sys('openat', AT_FDCWD, str('/'), O_RDONLY | O_DIRECTORY, 0);
    const m = sys('getdents64', root, BUF, 4096);
    assert.deepEqual(parseDirents64(mem.read(BUF, Number(m))), ['.', '..', 'dev', 'proc', 'sys', 'tmp']);
  });

  it('unlink, rename, mkdir, rmdir, chdir and getcwd', () => {
    const { sys, mem, str } = setup();
    assert.equal(sys('mkdir', str('/tmp/d'), 0o755), 0n);
    assert.equal(sys('mkdir', str('/tmp/d'), 0o755), -EEXIST);
    assert.equal(sys('chdir', str('/tmp/d')), 0n);
    const fd = sys('openat', AT_FDCWD, str('rel'), O_CREAT | O_WRONLY, 0o644);
    assert.equal(fd, 3n);
    assert.equal(sys('getcwd', BUF, 100), 7n);
    assert.equal(dec(mem.read(BUF, 6)), '/tmp/d');
    assert.equal(sys('getcwd', BUF, 3), -34n); // ERANGE
    assert.equal(sys('rename', str('rel'), str('../moved')), 0n);
    assert.equal(sys('access', str('/tmp/moved'), 0), 0n);
    assert.equal(sys('access', str('/tmp/d/rel'), 0), -ENOENT);
    assert.equal(sys('rmdir', str('/tmp/d')), 0n);
    assert.equal(sys('unlink', str('/tmp/moved')), 0n);
    assert.equal(sys('unlink', str('/tmp/moved')), -ENOENT);
    assert.equal(sys('unlink', str('/tmp')), -21n); // EISDIR
  });

  it('/tmp is bounded by limits.tmpBytes', () => {
    const { sys, str } = setup({ limits: { tmpBytes: 100 } });
    const fd = sys('openat', AT_FDCWD, str('/tmp/big'), O_CREAT | O_RDWR, 0o644);
    assert.equal(sys('write', fd, BUF, 80), 80n);
    assert.equal(sys('write', fd, BUF, 80), 20n);
    assert.equal(sys('write', fd, BUF, 80), -28n); // ENOSPC
    assert.equal(sys('ftruncate', fd, 10), 0n);
    assert.equal(sys('lseek', fd, 10, 0), 10n);
    assert.equal(sys('write', fd, BUF, 80), 80n);
    assert.equal(sys('write', fd, BUF, 80), 10n);
  });

  it('devices: /dev/null, /dev/zero, /dev/urandom', () => {
    const { k, sys, mem, str } = setup();
    const nul = sys('openat', AT_FDCWD, str('/dev/null'), O_RDWR, 0);
    assert.equal(sys('write', nul, BUF, 100), 100n);
    assert.equal(sys('read', nul, BUF, 100), 0n);
    const zero = sys('openat', AT_FDCWD, str('/dev/zero'), O_RDONLY, 0);
    mem.write(BUF, new Uint8Array(16).fill(7));
    assert.equal(sys('read', zero, BUF, 16), 16n);
    assert.deepEqual(mem.read(BUF, 16), new Uint8Array(16));
    // urandom continues the same stream as getrandom
    const other = setup();
    assert.equal(other.sys('getrandom', BUF, 48, 0), 48n);
    const expected = other.mem.read(BUF, 48);
    const ur = sys('openat', AT_FDCWD, str('/dev/urandom'), O_RDONLY, 0);
    assert.equal(sys('read', ur, BUF, 16), 16n);
    assert.equal(sys('getrandom', BUF + 16, 32, 0), 32n);
    assert.deepEqual(mem.read(BUF, 48), expected);
    assert.equal(k.random.consumed, 48);
  });

  it('fd table: dup, dup2, dup3, fcntl and the open-file limit', () => {
    const { sys, str } = setup({ limits: { openFiles: 6 } });
    assert.equal(sys('dup', 1), 3n);
    assert.equal(sys('dup2', 1, 5), 5n);
    assert.equal(sys('fcntl', 5, 1), 0n); // F_GETFD
    assert.equal(sys('dup3', 1, 4, O_CLOEXEC), 4n);
    assert.equal(sys('fcntl', 4, 1), 1n);
    assert.equal(sys('fcntl', 4, 3) & 3n, 1n); // F_GETFL: O_WRONLY
    assert.equal(sys('dup', 1), -EMFILE);
    assert.equal(sys('openat', AT_FDCWD, str('/dev/null'), O_RDONLY, 0), -EMFILE);
    assert.equal(sys('dup2', 1, 6), -EBADF);
    assert.equal(sys('dup3', 1, 1, 0), -EINVAL);
    assert.equal(sys('close', 3), 0n);
    assert.equal(sys('fcntl', 1, 0, 2), 3n); // F_DUPFD: lowest free fd >= 2
  });

  it('readlink of /proc/self/exe and /proc/self/maps', () => {
    const { sys, mem, str } = setup();
    assert.equal(sys('readlink', str('/proc/self/exe'), BUF, 100), 13n);
    assert.equal(dec(mem.read(BUF, 13)), '/bin/contract');
    const fd = sys('openat', AT_FDCWD, str('/proc/self/maps'), O_RDONLY, 0);
    const n = sys('read', fd, BUF, 4096);
    const text = dec(mem.read(BUF, Number(n)));
    assert.match(text, /^00010000-00110000 rw-p 00000000 00:00 0 +scratch\n/);
    assert.equal(sys('readlink', str('/proc/self/fd/1'), BUF, 100) > 0n, true);
    assert.equal(sys('readlink', str('/tmp'), BUF, 100), -EINVAL);
  });

  it('newfstatat and statx describe a directory', () => {
    const { sys, mem, str } = setup();
    assert.equal(sys('newfstatat', AT_FDCWD, str('/tmp'), BUF, 0), 0n);
    const st = new DataView(mem.read(BUF, 144).buffer);
    assert.equal(st.getUint32(24, true), 0o41777);
    assert.equal(sys('statx', AT_FDCWD, str('/dev/null'), 0, 0x7ff, BUF), 0n);
    const sx = new DataView(mem.read(BUF, 256).buffer);
    assert.equal(sx.getUint16(28, true), 0o20666);
    assert.equal(sx.getUint32(128, true), 1); // rdev major
    assert.equal(sx.getUint32(132, true), 3); // rdev minor
    // AT_EMPTY_PATH on fd 1
    assert.equal(sys('newfstatat', 1, str(''), BUF, 0x1000), 0n);
    assert.equal(new DataView(mem.read(BUF, 144).buffer).getUint32(24, true) & 0o170000, 0o010000); // FIFO
  });

  it('poll reports stdio ready', () => {
    const { sys, mem } = setup({ stdin: 'x' });
    const p = new DataView(new ArrayBuffer(24));
    for (let i = 0; i < 3; i++) {
      p.setInt32(i * 8, i, true);
      p.setInt16(i * 8 + 4, i === 0 ? 1 : 4, true);
    }
    mem.write(BUF, new Uint8Array(p.buffer));
    assert.equal(sys('poll', BUF, 3, 0), 3n);
    const out = new DataView(mem.read(BUF, 24).buffer);
    assert.equal(out.getInt16(6, true) & 1, 1);
    assert.equal(out.getInt16(14, true) & 4, 4);
    assert.equal(out.getInt16(22, true) & 4, 4);
  });
});

describe('kernel: more files', () => {
  it('a read-only directory from callbacks can be mounted (the /qvm/db pattern)', () => {
    const { k, sys, mem, str } = setup();
    const sb = k.vfs.newSuperblock(TMPFS_MAGIC, true);
    const store = new Map([['BALANCE', '42'], ['OWNER', 'alice']]);
    const cache = new Map<string, MemFile>();
    const reads: string[] = [];
    k.vfs.mount('/qvm/db', new ProviderDir(sb, { mode: 0o555 }, {
      list: () => [...store.keys()],
      lookup: (key) => {
        const v = store.get(key);
        if (v === undefined) return null;
        reads.push(key);
        let f = cache.get(key);
        if (!f) cache.set(key, (f = new MemFile(sb, { mode: 0o444 }, new TextEncoder().encode(v))));
        return f;
      },
    }));
    const fd = sys('openat', AT_FDCWD, str('/qvm/db/BALANCE'), O_RDONLY, 0);
    assert.equal(sys('read', fd, BUF, 100), 2n);
    assert.equal(dec(mem.read(BUF, 2)), '42');
    assert.equal(sys('openat', AT_FDCWD, str('/qvm/db/MISSING'), O_RDONLY, 0), -ENOENT);
    assert.equal(sys('openat', AT_FDCWD, str('/qvm/db/BALANCE'), O_WRONLY, 0), -EROFS);
    assert.equal(sys('openat', AT_FDCWD, str('/qvm/db/NEW'), O_CREAT | O_WRONLY, 0o644), -EROFS);
    const dir = sys('openat', AT_FDCWD, str('/qvm/db'), O_RDONLY | O_DIRECTORY, 0);
    const n = sys('getdents64', dir, BUF, 4096);
    assert.deepEqual(parseDirents64(mem.read(BUF, Number(n))), ['.', '..', 'BALANCE', 'OWNER']);
    assert.deepEqual(reads, ['BALANCE', 'BALANCE', 'BALANCE', 'OWNER']);
  });

  it('/dev/stdin, memfd_create and /proc/self/fd', () => {
    const { sys, mem, str } = setup({ stdin: 'in!' });
    const fd = sys('openat', AT_FDCWD, str('/dev/stdin'), O_RDONLY, 0);
    assert.equal(fd, 3n);
    assert.equal(sys('read', fd, BUF, 10), 3n);
    assert.equal(dec(mem.read(BUF, 3)), 'in!');
    const m = sys('memfd_create', str('blob'), 0);
    assert.equal(sys('write', m, BUF, 3), 3n);
    assert.equal(sys('readlink', str('/proc/self/fd/' + m), BUF + 100, 100), 21n);
    assert.equal(dec(mem.read(BUF + 100, 21)), '/memfd:blob (deleted)');
    assert.equal(sys('readlink', str('/proc/self/fd/0'), BUF + 100, 100) > 0n, true);
    assert.equal(sys('readlink', str('/proc/self/fd/9'), BUF + 100, 100), -ENOENT);
  });

  it('poll/select with nothing ready sleep for the timeout, or end the run without one', () => {
    const { k, sys, mem } = setup();
    // select(0, NULL, NULL, NULL, {1, 250000}) is a sleep
    const tv = new DataView(new ArrayBuffer(16));
    tv.setBigInt64(0, 1n, true);
    tv.setBigInt64(8, 250_000n, true);
    mem.write(BUF, new Uint8Array(tv.buffer));
    assert.equal(sys('select', 0, 0, 0, 0, BUF), 0n);
    assert.equal(k.sleptNanos, 1_250_000_000);
    assert.equal(sys('poll', 0, 0, 5), 0n);
    assert.equal(k.sleptNanos, 1_255_000_000);
    assert.equal(k.killed, null);
    assert.equal(sys('poll', 0, 0, -1), 0n);
    assert.deepEqual(k.killed, { kind: 'deadlock', reason: 'program blocked forever in poll', signal: 0 });
  });

  it('riscv64 uses the generic struct stat layout and numbers', () => {
    const mem = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 30 });
    mem.map(SCRATCH, SCRATCH_LEN, PROT_READ | PROT_WRITE, 'scratch');
    const t = new FakeThread(mem);
    const k = new Kernel({ mem, arch: 'riscv64', block: block(), stdin: new Uint8Array(), limits: DEFAULT_LIMITS, brkStart: BRK_START, mmapBase: MMAP_BASE });
    const call = (nr: number, ...args: number[]): bigint => k.syscall(nr, [...args.map(BigInt), 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6), t);
    assert.equal(call(80 /* fstat */, 1, BUF), 0n);
    const st = new DataView(mem.read(BUF, 128).buffer);
    assert.equal(st.getUint32(16, true) & 0o170000, 0o010000); // st_mode at 16
    assert.equal(st.getUint32(24, true), 1000); // st_uid
    assert.equal(call(160 /* uname */, BUF), 0n);
    assert.equal(dec(mem.read(BUF + 4 * 65, 7)), 'riscv64');
    assert.equal(call(172 /* getpid */), 1000n);
  });
});

describe('kernel: time', () => {
  it('clock_gettime is block timestamp + virtual time; monotonic starts at 0', () => {
    const { k, t, sys, mem } = setup();
    t.instructions = 1_234_567;
    assert.equal(sys('clock_gettime', 0, BUF), 0n); // REALTIME
    let ts = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(ts.getBigInt64(0, true), 1_700_000_000n);
    assert.equal(ts.getBigInt64(8, true), 1_234_567n);
    assert.equal(sys('clock_gettime', 1, BUF), 0n); // MONOTONIC
    ts = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(ts.getBigInt64(0, true), 0n);
    assert.equal(ts.getBigInt64(8, true), 1_234_567n);
    assert.equal(sys('time', 0), 1_700_000_000n);

    // nanosleep 1.5 s advances virtual time (through kernel.sleptNanos)
    const req = new DataView(new ArrayBuffer(16));
    req.setBigInt64(0, 1n, true);
    req.setBigInt64(8, 500_000_000n, true);
    mem.write(BUF + 64, new Uint8Array(req.buffer));
    assert.equal(sys('nanosleep', BUF + 64, 0), 0n);
    assert.equal(k.sleptNanos, 1_500_000_000);
    assert.equal(sys('clock_gettime', 1, BUF), 0n);
    ts = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(ts.getBigInt64(0, true), 1n);
    assert.equal(ts.getBigInt64(8, true), 501_234_567n);
    // CPU time excludes the sleep
    assert.equal(sys('clock_gettime', 2, BUF), 0n);
    ts = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(ts.getBigInt64(0, true), 0n);
    assert.equal(ts.getBigInt64(8, true), 1_234_567n);

    // clock_nanosleep TIMER_ABSTIME on MONOTONIC to t = 3 s
    req.setBigInt64(0, 3n, true);
    req.setBigInt64(8, 0n, true);
    mem.write(BUF + 64, new Uint8Array(req.buffer));
    assert.equal(sys('clock_nanosleep', 1, 1, BUF + 64, 0), 0n);
    assert.equal(t.virtualNanos(), 3_000_000_000);

    // gettimeofday
    assert.equal(sys('gettimeofday', BUF, 0), 0n);
    const tv = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(tv.getBigInt64(0, true), 1_700_000_003n);
    assert.equal(sys('clock_gettime', 99, BUF), -EINVAL);
    assert.equal(sys('clock_getres', 1, BUF), 0n);
    assert.equal(new DataView(mem.read(BUF, 16).buffer).getBigInt64(8, true), 1n);
  });
});

describe('kernel: randomness', () => {
  it('getrandom is the keccak stream seeded by the block', () => {
    const { k, sys, mem } = setup();
    const seed = keccak_256(new Uint8Array([...new Uint8Array(32).fill(0x11), ...new Uint8Array(32).fill(0x22)]));
    const block0 = keccak_256(new Uint8Array([...seed, 0, 0, 0, 0, 0, 0, 0, 0]));
    const block1 = keccak_256(new Uint8Array([...seed, 1, 0, 0, 0, 0, 0, 0, 0]));
    // AT_RANDOM: the machine draws the first 16 bytes before the program starts
    assert.deepEqual(k.random.next(16), block0.subarray(0, 16));
    assert.equal(sys('getrandom', BUF, 32, 0), 32n);
    assert.deepEqual(mem.read(BUF, 32), new Uint8Array([...block0.subarray(16), ...block1.subarray(0, 16)]));
  });

  it('same block gives the same bytes, another prevBlockHash or tx gives others', () => {
    const draw = (prev: number, tx: number): Uint8Array => {
      const { sys, mem } = setup({ prev, tx });
      assert.equal(sys('getrandom', BUF, 64, 0), 64n);
      return mem.read(BUF, 64);
    };
    assert.deepEqual(draw(1, 2), draw(1, 2));
    assert.notDeepEqual(draw(1, 2), draw(3, 2));
    assert.notDeepEqual(draw(1, 2), draw(1, 3));
  });

  it('getrandom with a bad buffer is EFAULT and consumes nothing', () => {
    const { k, sys } = setup();
    assert.equal(sys('getrandom', 0xdead0000, 16, 0), -EFAULT);
    assert.equal(k.random.consumed, 0);
    assert.equal(sys('getrandom', BUF, 16, 0x80), -EINVAL);
  });
});

describe('kernel: memory', () => {
  it('brk grows and shrinks the heap, never below its start', () => {
    const { k, sys, mem } = setup();
    assert.equal(sys('brk', 0), BigInt(BRK_START));
    assert.equal(sys('brk', BRK_START + 10000), BigInt(BRK_START + 10000));
    const m = mem.findMapping(BRK_START);
    assert.equal(m?.name, '[heap]');
    assert.equal(m?.end, BRK_START + 3 * PAGE_SIZE);
    mem.write8(BRK_START + 9999, 0xaa);
    assert.equal(sys('brk', BRK_START + 200000), BigInt(BRK_START + 200000));
    assert.equal(mem.mappings().filter((x) => x.name === '[heap]').length, 1); // coalesced
    assert.equal(sys('brk', BRK_START + 100), BigInt(BRK_START + 100));
    assert.equal(mem.isMapped(BRK_START + PAGE_SIZE, 1), false);
    assert.equal(sys('brk', BRK_START - PAGE_SIZE), BigInt(BRK_START + 100));
    assert.equal(k.brk, BRK_START + 100);
  });

  it('brk fails (returns the old break) past the address-space limit', () => {
    const { sys } = setup({});
    const huge = BRK_START + 8 * 2 ** 30;
    assert.equal(sys('brk', huge), BigInt(BRK_START));
  });

  it('mmap allocates top-down, honours hints and MAP_FIXED rules', () => {
    const { sys, mem } = setup();
    const PROT_RW = 3;
    const MAP_PRIVATE_ANON = 0x22;
    const a = sys('mmap', 0, 8192, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
    assert.equal(a, BigInt(MMAP_BASE - 8192));
    const b = sys('mmap', 0, 100, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
    assert.equal(b, BigInt(MMAP_BASE - 8192 - 4096));
    mem.write(Number(a), new Uint8Array([1, 2, 3]));
    // hint honoured when free
    const hint = 0x200000000;
    assert.equal(sys('mmap', hint, 4096, PROT_RW, MAP_PRIVATE_ANON, -1, 0), BigInt(hint));
    // hint taken: fall back to top-down
    assert.equal(sys('mmap', hint, 4096, PROT_RW, MAP_PRIVATE_ANON, -1, 0), BigInt(MMAP_BASE - 16384));
    // MAP_FIXED_NOREPLACE over an existing mapping
    assert.equal(sys('mmap', hint, 4096, PROT_RW, MAP_PRIVATE_ANON | 0x100000, -1, 0), -EEXIST);
    // MAP_FIXED replaces (contents become zero)
    assert.equal(sys('mmap', a, 4096, PROT_RW, MAP_PRIVATE_ANON | 0x10, -1, 0), a);
    assert.deepEqual(mem.read(Number(a), 3), new Uint8Array(3));
    // bad arguments
    assert.equal(sys('mmap', 0, 0, PROT_RW, MAP_PRIVATE_ANON, -1, 0), -EINVAL);
    assert.equal(sys('mmap', 0, 4096, PROT_RW, 0x20, -1, 0), -EINVAL); // neither private nor shared
    assert.equal(sys('mmap', 0x1001, 4096, PROT_RW, MAP_PRIVATE_ANON | 0x10, -1, 0), -EINVAL);
    assert.equal(sys('mmap', 0, 4096, PROT_RW, 0x02, 77, 0), -EBADF);
    assert.equal(sys('mmap', 0, 2n ** 48n, PROT_RW, MAP_PRIVATE_ANON, -1, 0), -ENOMEM);
  });

  it('munmap and mprotect', () => {
    const { sys, mem } = setup();
    const a = Number(sys('mmap', 0, 3 * 4096, 3, 0x22, -1, 0));
    assert.equal(sys('mprotect', a + 4096, 4096, 1), 0n);
    mem.write8(a, 1);
    assert.throws(() => mem.write8(a + 4096, 1), MemoryFault);
    assert.equal(mem.read8(a + 4096), 0);
    assert.equal(sys('munmap', a + 4096, 4096), 0n);
    assert.equal(mem.isMapped(a + 4096, 1), false);
    assert.equal(sys('mprotect', a, 3 * 4096, 3), -ENOMEM); // hole in the range
    assert.equal(sys('mprotect', a + 1, 4096, 3), -EINVAL);
    assert.equal(sys('munmap', a + 1, 4096), -EINVAL);
    assert.equal(sys('munmap', a, 0), -EINVAL);
  });

  it('mremap grows in place or moves, keeping contents', () => {
    const { sys, mem } = setup();
    const a = Number(sys('mmap', 0, 4096, 3, 0x22, -1, 0));
    mem.write(a, new TextEncoder().encode('keep me'));
    // the space above a is the previous top of the mmap area: free, so it grows in place
    const b = Number(sys('mmap', 0, 4096, 3, 0x22, -1, 0)); // below a
    mem.write(b, new TextEncoder().encode('moved'));
    assert.equal(sys('mremap', b, 4096, 8192, 0, 0), -ENOMEM); // a is in the way, no MAYMOVE
    const c = Number(sys('mremap', b, 4096, 8192, 1, 0));
    assert.notEqual(c, b);
    assert.equal(dec(mem.read(c, 5)), 'moved');
    assert.equal(mem.isMapped(b, 1), false);
    assert.equal(dec(mem.read(a, 7)), 'keep me');
    assert.equal(sys('mremap', c, 8192, 4096, 0, 0), BigInt(c)); // shrink
    assert.equal(mem.isMapped(c + 4096, 1), false);
  });

  it('file-backed mmap copies the file in', () => {
    const { sys, mem, str } = setup();
    const fd = sys('openat', AT_FDCWD, str('/tmp/m'), O_CREAT | O_RDWR, 0o644);
    mem.write(BUF, new TextEncoder().encode('mapped file'));
    sys('write', fd, BUF, 11);
    const a = Number(sys('mmap', 0, 4096, 1, 0x02, fd, 0));
    assert.equal(dec(mem.read(a, 11)), 'mapped file');
    assert.equal(mem.read8(a + 11), 0);
  });

  it('madvise(MADV_DONTNEED) zeroes anonymous pages', () => {
    const { sys, mem } = setup();
    const a = Number(sys('mmap', 0, 8192, 3, 0x22, -1, 0));
    mem.write(a, new Uint8Array([9, 9, 9]));
    assert.equal(sys('madvise', a, 8192, 4), 0n);
    assert.deepEqual(mem.read(a, 3), new Uint8Array(3));
    assert.equal(sys('madvise', 0x7000_0000_0000, 4096, 4), -ENOMEM);
  });
});

describe('kernel: identity and process', () => {
  it('uname reports the fixed identity', () => {
    const { sys, mem } = setup();
    assert.equal(sys('uname', BUF), 0n);
    const field = (i: number): string => {
      const b = mem.read(BUF + i * 65, 65);
      return dec(b.subarray(0, b.indexOf(0)));
    };
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(field), ['Linux', 'qvm', '6.1.0', '#1 SMP QVM', 'x86_64', '(none)']);
  });

  it('ids, affinity and limits are fixed', () => {
    const { sys, mem } = setup();
    assert.equal(sys('getpid'), 1000n);
    assert.equal(sys('gettid'), 1000n);
    assert.equal(sys('getppid'), 1n);
    assert.equal(sys('getuid'), 1000n);
    assert.equal(sys('getegid'), 1000n);
    assert.equal(sys('set_tid_address', BUF), 1000n);
    assert.equal(sys('sched_getaffinity', 0, 128, BUF), 8n);
    assert.deepEqual(mem.read(BUF, 8), new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
    assert.equal(sys('prlimit64', 0, 3, 0, BUF), 0n); // RLIMIT_STACK
    const r = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(r.getBigUint64(0, true), 8n * 1024n * 1024n);
    assert.equal(r.getBigUint64(8, true), 2n ** 64n - 1n);
    assert.equal(sys('getrlimit', 7, BUF), 0n); // RLIMIT_NOFILE
    assert.equal(new DataView(mem.read(BUF, 16).buffer).getBigUint64(0, true), BigInt(DEFAULT_LIMITS.openFiles));
    assert.equal(sys('fork'), -11n); // EAGAIN
    assert.equal(sys('wait4', -1, 0, 0, 0), -10n); // ECHILD
  });

  it('arch_prctl sets and reads FS and GS', () => {
    const { t, sys, mem } = setup();
    assert.equal(sys('arch_prctl', 0x1002, 0x7000_1234_0000), 0n);
    assert.equal(t.fs, 0x7000_1234_0000);
    assert.equal(sys('arch_prctl', 0x1003, BUF), 0n);
    assert.equal(new DataView(mem.read(BUF, 8).buffer).getBigUint64(0, true), 0x7000_1234_0000n);
    assert.equal(sys('arch_prctl', 0x1001, 0x5000), 0n);
    assert.equal(t.gs, 0x5000);
    assert.equal(sys('arch_prctl', 0x3001, BUF), -EINVAL); // ARCH_CET_STATUS
    assert.equal(sys('arch_prctl', 0x1002, 2n ** 48n), -1n); // EPERM
  });

  it('exit_group records the status', () => {
    const { k, sys } = setup();
    sys('exit_group', 3);
    assert.deepEqual(k.exited, { status: 3 });
    assert.equal(k.killed, null);
  });

  it('abort(): SIGABRT raised while blocked kills when unblocked', () => {
    const { k, sys, mem } = setup();
    mem.write(BUF, new Uint8Array(8).fill(0xff));
    assert.equal(sys('rt_sigprocmask', 0, BUF, BUF + 8, 8), 0n); // block all
    assert.equal(sys('tgkill', 1000, 1000, 6), 0n);
    assert.equal(k.killed, null);
    mem.write(BUF, new Uint8Array([0x20, 0, 0, 0, 0, 0, 0, 0])); // SIGABRT bit
    assert.equal(sys('rt_sigprocmask', 1, BUF, 0, 8), 0n); // unblock
    assert.deepEqual(k.killed, { kind: 'signal', reason: 'killed by SIGABRT', signal: 6 });
  });

  it('rt_sigaction stores and returns handlers; ignored signals do nothing', () => {
    const { k, sys, mem } = setup();
    const act = new DataView(new ArrayBuffer(32));
    act.setBigUint64(0, 1n, true); // SIG_IGN
    mem.write(BUF, new Uint8Array(act.buffer));
    assert.equal(sys('rt_sigaction', 10, BUF, 0, 8), 0n);
    assert.equal(sys('rt_sigaction', 10, 0, BUF + 64, 8), 0n);
    assert.equal(new DataView(mem.read(BUF + 64, 8).buffer).getBigUint64(0, true), 1n);
    assert.equal(sys('kill', 1000, 10), 0n);
    assert.equal(k.killed, null);
    assert.equal(sys('rt_sigaction', 9, BUF, 0, 8), -EINVAL); // SIGKILL
    assert.equal(sys('kill', 4242, 0), -3n); // ESRCH
    assert.equal(sys('kill', 1000, 15), 0n); // SIGTERM, default action
    assert.deepEqual(k.killed, { kind: 'signal', reason: 'killed by SIGTERM', signal: 15 });
  });
});

describe('kernel: errors', () => {
  it('unknown system calls return ENOSYS and are recorded once', () => {
    const { k, t } = setup();
    assert.equal(k.syscall(9999, [0n, 0n, 0n, 0n, 0n, 0n], t), -ENOSYS);
    assert.equal(k.syscall(41, [2n, 1n, 0n, 0n, 0n, 0n], t), -ENOSYS); // socket
    assert.equal(k.syscall(41, [2n, 1n, 0n, 0n, 0n, 0n], t), -ENOSYS);
    assert.deepEqual(k.unknownSyscalls, ['#9999', 'socket']);
    assert.equal(k.gas, 300);
    // rseq is deliberately ENOSYS and not "unknown"
    assert.equal(k.syscall(334, [0n, 0n, 0n, 0n, 0n, 0n], t), -ENOSYS);
    assert.deepEqual(k.unknownSyscalls, ['#9999', 'socket']);
  });

  it('bad pointers give EFAULT, never an exception', () => {
    const { sys, str } = setup({ stdin: 'abc' });
    const BAD = 0xdead0000;
    assert.equal(sys('write', 1, BAD, 5), -EFAULT);
    assert.equal(sys('read', 0, BAD, 5), -EFAULT);
    assert.equal(sys('read', 0, SCRATCH, 3), 3n); // nothing was consumed by the failed read
    assert.equal(sys('clock_gettime', 0, BAD), -EFAULT);
    assert.equal(sys('uname', 0), -EFAULT);
    assert.equal(sys('openat', AT_FDCWD, BAD, O_RDONLY, 0), -EFAULT);
    assert.equal(sys('stat', str('/tmp'), BAD), -EFAULT);
    assert.equal(sys('write', 1, 2n ** 63n, 5), -EFAULT);
  });
});

describe('kernel: trace', () => {
  it('records one strace-like line per call', () => {
    const { k, sys, str } = setup({ trace: true });
    sys('write', 1, 0x4010, 13);
    sys('openat', AT_FDCWD, str('/tmp/nope'), 0, 0);
    sys('brk', 0);
    assert.deepEqual(k.traceLines, [
      'write(1, 0x4010, 13) = -14 (EFAULT)',
      'openat(AT_FDCWD, "/tmp/nope", 0x0, 00) = -2 (ENOENT)',
      'brk(NULL) = 0x600000',
    ]);
    sys('write', 1, SCRATCH, 2);
    assert.equal(k.traceLines[3], 'write(1, 0x10000, 2) = 2');
  });
});
