/**
 * The kernel's "mount a provider" API (src/kernel/mount.ts): plain entries become nodes of one
 * read-only ramfs; a name keeps its node (and inode number) for the run while the provider is
 * asked on every lookup; nested directories and symbolic links; setWorkingDirectory.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Kernel, mountProvider, setWorkingDirectory, SysError, type DirProvider, type ProvidedEntry } from '../../../src/kernel/index.js';
import { RAMFS_MAGIC } from '../../../src/kernel/vfs/vfs.js';
import { AT_FDCWD, BUF, dec, E, O, setup } from './harness.js';

const ENOENT = 2;
const ENOTDIR = 20;
const te = new TextEncoder();

function kernel(): Kernel {
  return setup().k;
}

/** A provider over a fixed table that counts lookups per name. */
function table(entries: Record<string, ProvidedEntry>, asked: Map<string, number>): DirProvider {
  return {
    list: () => Object.keys(entries),
    lookup: (name) => {
      asked.set(name, (asked.get(name) ?? 0) + 1);
      return entries[name] ?? null;
    },
  };
}

const walk = (k: Kernel, path: string, follow = true) => k.vfs.walk(path, [k.vfs.rootEntry], { follow, allowMissing: true });

describe('kernel: mountProvider', () => {
  it('files, nested directories and symlinks appear read-only, listed in byte order', () => {
    const k = kernel();
    const asked = new Map<string, number>();
    const inner = table({ 'b.txt': { type: 'file', mode: 0o444, bytes: te.encode('inner') } }, new Map());
    mountProvider(k, '/data', 0o555, table({
      'z.txt': { type: 'file', mode: 0o444, bytes: te.encode('zed') },
      sub: { type: 'dir', mode: 0o555, dir: inner },
      link: { type: 'symlink', target: 'sub/b.txt' },
    }, asked));
    const dir = walk(k, '/data').node!;
    assert.equal(dir.type, 'dir');
    assert.equal(dir.sb.readOnly, true);
    assert.equal(dir.sb.magic, RAMFS_MAGIC);
    assert.deepEqual((dir as unknown as { names(): string[] }).names(), ['link', 'sub', 'z.txt']);
    const z = walk(k, '/data/z.txt').node!;
    assert.equal(z.type, 'file');
    assert.equal(z.mode & 0o777, 0o444);
    assert.equal(walk(k, '/data/sub/b.txt').node!.type, 'file');
    // the link resolves inside the guest, to the same node as the path it names
    assert.equal(walk(k, '/data/link').node, walk(k, '/data/sub/b.txt').node);
    assert.equal(walk(k, '/data/link', false).node!.type, 'symlink');
    assert.equal(walk(k, '/data/missing').node, null);
  });

  it('the program reads a provided file with open/read; writing it is EROFS', () => {
    const s = setup();
    mountProvider(s.k, '/data', 0o555, table({ 'z.txt': { type: 'file', mode: 0o444, bytes: te.encode('zed') } }, new Map()));
    const fd = s.sys('openat', AT_FDCWD, s.str('/data/z.txt'), O.RDONLY);
    assert.ok(fd >= 0n, `openat: ${fd}`);
    assert.equal(s.sys('read', fd, BUF, 100), 3n);
    assert.equal(dec(s.mem.read(BUF, 3)), 'zed');
    assert.equal(s.sys('openat', AT_FDCWD, s.str('/data/z.txt'), O.WRONLY), -E.ROFS);
    assert.equal(s.sys('openat', AT_FDCWD, s.str('/data/new'), O.WRONLY | O.CREAT, 0o644), -E.ROFS);
  });

  it('a name keeps its node; the provider is asked every time (so it can meter reads)', () => {
    const k = kernel();
    const asked = new Map<string, number>();
    mountProvider(k, '/db', 0o555, table({ A: { type: 'file', mode: 0o444, bytes: te.encode('1') }, B: { type: 'file', mode: 0o444, bytes: te.encode('2') } }, asked));
    const b = walk(k, '/db/B').node!;
    const a = walk(k, '/db/A').node!;
    assert.equal(walk(k, '/db/B').node, b);
    assert.equal(walk(k, '/db/A').node, a);
    // inode numbers in first-lookup order
    assert.ok(b.ino < a.ino);
    assert.equal(asked.get('A'), 2);
    assert.equal(asked.get('B'), 2);
    walk(k, '/db/C');
    walk(k, '/db/C');
    assert.equal(asked.get('C'), 2, 'a missing name is asked again too');
  });

  it('setWorkingDirectory: a directory of the guest, else ENOTDIR (ENOENT when missing)', () => {
    const k = kernel();
    mountProvider(k, '/data', 0o555, table({ f: { type: 'file', mode: 0o444, bytes: te.encode('x') }, d: { type: 'dir', mode: 0o555, dir: table({}, new Map()) } }, new Map()));
    setWorkingDirectory(k, '/data/d');
    assert.deepEqual(k.cwd.map((e) => e.name), ['', 'data', 'd']);
    for (const [bad, errno] of [['/data/f', ENOTDIR], ['/nope', ENOENT]] as const) {
      assert.throws(() => setWorkingDirectory(k, bad), (e: unknown) => e instanceof SysError && e.errno === errno, bad);
    }
  });
});
