/**
 * The in-memory file system: /tmp files, directories, devices, /proc, stat, mounted provider directories.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Memory, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';
import { Kernel } from '../../../src/kernel/kernel.js';
import { MemFile, ProviderDir } from '../../../src/kernel/vfs/inode.js';
import { TMPFS_MAGIC } from '../../../src/kernel/vfs/vfs.js';
import { DEFAULT_LIMITS, E, O, AT_FDCWD, SCRATCH, SCRATCH_LEN, BRK_START, MMAP_BASE, BUF, block, FakeThread, setup, dec, parseDirents64 } from './harness.js';

describe('kernel: files', () => {
  it('creates, writes, seeks and reads a /tmp file', () => {
    const { sys, mem, str } = setup();
    const fd = sys('openat', AT_FDCWD, str('/tmp/f.txt'), O.CREAT | O.RDWR, 0o644);
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
    assert.equal(sys('close', fd), -E.BADF);

    // O.EXCL on an existing file, O.TRUNC, O.APPEND
    assert.equal(sys('openat', AT_FDCWD, str('/tmp/f.txt'), O.CREAT | O.EXCL | O.WRONLY, 0o644), -E.EXIST);
    const fd2 = sys('openat', AT_FDCWD, str('/tmp/f.txt'), O.WRONLY | O.APPEND, 0);
    assert.equal(sys('write', fd2, BUF, 4), 4n);
    assert.equal(sys('stat', str('/tmp/f.txt'), BUF + 1000), 0n);
    assert.equal(new DataView(mem.read(BUF + 1000, 144).buffer).getBigInt64(48, true), 13n);
    const fd3 = sys('openat', AT_FDCWD, str('/tmp/f.txt'), O.WRONLY | O.TRUNC, 0);
    assert.equal(sys('fstat', fd3, BUF + 1000), 0n);
    assert.equal(new DataView(mem.read(BUF + 1000, 144).buffer).getBigInt64(48, true), 0n);
  });

  it('openat of a missing file is ENOENT; writes outside /tmp are refused', () => {
    const { sys, str } = setup();
    assert.equal(sys('openat', AT_FDCWD, str('/tmp/missing'), O.RDONLY, 0), -E.NOENT);
    assert.equal(sys('openat', AT_FDCWD, str('/nope/x'), O.CREAT | O.WRONLY, 0o644), -E.NOENT);
    assert.equal(sys('openat', AT_FDCWD, str('/etc/passwd'), O.RDONLY, 0), -E.NOENT);
    assert.equal(sys('openat', AT_FDCWD, str('/x'), O.CREAT | O.WRONLY, 0o644), -E.ROFS);
    assert.equal(sys('mkdir', str('/qvm'), 0o755), -E.ROFS);
  });

  it('getdents64 lists entries sorted, with . and .. first', () => {
    const { sys, mem, str } = setup();
    for (const n of ['zeta', 'alpha', 'Mid', 'beta']) {
      const fd = sys('openat', AT_FDCWD, str('/tmp/' + n), O.CREAT | O.WRONLY, 0o600);
      sys('close', fd);
    }
    assert.equal(sys('mkdir', str('/tmp/dir'), 0o755), 0n);
    const fd = sys('openat', AT_FDCWD, str('/tmp'), O.RDONLY | O.DIRECTORY, 0);
    const n = sys('getdents64', fd, BUF, 4096);
    assert.ok(n > 0n);
    assert.deepEqual(parseDirents64(mem.read(BUF, Number(n))), ['.', '..', 'Mid', 'alpha', 'beta', 'dir', 'zeta']);
    assert.equal(sys('getdents64', fd, BUF, 4096), 0n);
    // a buffer too small for one entry
    assert.equal(sys('lseek', fd, 0, 0), 0n);
    assert.equal(sys('getdents64', fd, BUF, 8), -E.INVAL);
    // root listing
    const root = sys('openat', AT_FDCWD, str('/'), O.RDONLY | O.DIRECTORY, 0);
    const m = sys('getdents64', root, BUF, 4096);
    assert.deepEqual(parseDirents64(mem.read(BUF, Number(m))), ['.', '..', 'dev', 'proc', 'sys', 'tmp']);
  });

  it('unlink, rename, mkdir, rmdir, chdir and getcwd', () => {
    const { sys, mem, str } = setup();
    assert.equal(sys('mkdir', str('/tmp/d'), 0o755), 0n);
    assert.equal(sys('mkdir', str('/tmp/d'), 0o755), -E.EXIST);
    assert.equal(sys('chdir', str('/tmp/d')), 0n);
    const fd = sys('openat', AT_FDCWD, str('rel'), O.CREAT | O.WRONLY, 0o644);
    assert.equal(fd, 3n);
    assert.equal(sys('getcwd', BUF, 100), 7n);
    assert.equal(dec(mem.read(BUF, 6)), '/tmp/d');
    assert.equal(sys('getcwd', BUF, 3), -34n); // ERANGE
    assert.equal(sys('rename', str('rel'), str('../moved')), 0n);
    assert.equal(sys('access', str('/tmp/moved'), 0), 0n);
    assert.equal(sys('access', str('/tmp/d/rel'), 0), -E.NOENT);
    assert.equal(sys('rmdir', str('/tmp/d')), 0n);
    assert.equal(sys('unlink', str('/tmp/moved')), 0n);
    assert.equal(sys('unlink', str('/tmp/moved')), -E.NOENT);
    assert.equal(sys('unlink', str('/tmp')), -21n); // EISDIR
  });

  it('/tmp is bounded by limits.tmpBytes', () => {
    const { sys, str } = setup({ limits: { tmpBytes: 100 } });
    const fd = sys('openat', AT_FDCWD, str('/tmp/big'), O.CREAT | O.RDWR, 0o644);
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
    const nul = sys('openat', AT_FDCWD, str('/dev/null'), O.RDWR, 0);
    assert.equal(sys('write', nul, BUF, 100), 100n);
    assert.equal(sys('read', nul, BUF, 100), 0n);
    const zero = sys('openat', AT_FDCWD, str('/dev/zero'), O.RDONLY, 0);
    mem.write(BUF, new Uint8Array(16).fill(7));
    assert.equal(sys('read', zero, BUF, 16), 16n);
    assert.deepEqual(mem.read(BUF, 16), new Uint8Array(16));
    // urandom continues the same stream as getrandom
    const other = setup();
    assert.equal(other.sys('getrandom', BUF, 48, 0), 48n);
    const expected = other.mem.read(BUF, 48);
    const ur = sys('openat', AT_FDCWD, str('/dev/urandom'), O.RDONLY, 0);
    assert.equal(sys('read', ur, BUF, 16), 16n);
    assert.equal(sys('getrandom', BUF + 16, 32, 0), 32n);
    assert.deepEqual(mem.read(BUF, 48), expected);
    assert.equal(k.random.consumed, 48);
  });

  it('readlink of /proc/self/exe and /proc/self/maps', () => {
    const { sys, mem, str } = setup();
    assert.equal(sys('readlink', str('/proc/self/exe'), BUF, 100), 13n);
    assert.equal(dec(mem.read(BUF, 13)), '/bin/contract');
    const fd = sys('openat', AT_FDCWD, str('/proc/self/maps'), O.RDONLY, 0);
    const n = sys('read', fd, BUF, 4096);
    const text = dec(mem.read(BUF, Number(n)));
    assert.match(text, /^00010000-00110000 rw-p 00000000 00:00 0 +scratch\n/);
    assert.equal(sys('readlink', str('/proc/self/fd/1'), BUF, 100) > 0n, true);
    assert.equal(sys('readlink', str('/tmp'), BUF, 100), -E.INVAL);
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
    const fd = sys('openat', AT_FDCWD, str('/qvm/db/BALANCE'), O.RDONLY, 0);
    assert.equal(sys('read', fd, BUF, 100), 2n);
    assert.equal(dec(mem.read(BUF, 2)), '42');
    assert.equal(sys('openat', AT_FDCWD, str('/qvm/db/MISSING'), O.RDONLY, 0), -E.NOENT);
    assert.equal(sys('openat', AT_FDCWD, str('/qvm/db/BALANCE'), O.WRONLY, 0), -E.ROFS);
    assert.equal(sys('openat', AT_FDCWD, str('/qvm/db/NEW'), O.CREAT | O.WRONLY, 0o644), -E.ROFS);
    const dir = sys('openat', AT_FDCWD, str('/qvm/db'), O.RDONLY | O.DIRECTORY, 0);
    const n = sys('getdents64', dir, BUF, 4096);
    assert.deepEqual(parseDirents64(mem.read(BUF, Number(n))), ['.', '..', 'BALANCE', 'OWNER']);
    assert.deepEqual(reads, ['BALANCE', 'BALANCE', 'BALANCE', 'OWNER']);
  });

  it('/dev/stdin, memfd_create and /proc/self/fd', () => {
    const { sys, mem, str } = setup({ stdin: 'in!' });
    const fd = sys('openat', AT_FDCWD, str('/dev/stdin'), O.RDONLY, 0);
    assert.equal(fd, 3n);
    assert.equal(sys('read', fd, BUF, 10), 3n);
    assert.equal(dec(mem.read(BUF, 3)), 'in!');
    const m = sys('memfd_create', str('blob'), 0);
    assert.equal(sys('write', m, BUF, 3), 3n);
    assert.equal(sys('readlink', str('/proc/self/fd/' + m), BUF + 100, 100), 21n);
    assert.equal(dec(mem.read(BUF + 100, 21)), '/memfd:blob (deleted)');
    assert.equal(sys('readlink', str('/proc/self/fd/0'), BUF + 100, 100) > 0n, true);
    assert.equal(sys('readlink', str('/proc/self/fd/9'), BUF + 100, 100), -E.NOENT);
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
