/**
 * Mounting a provider: how the layers above show their own read-only content to the program
 * (the contract layer's /qvm/db storage, `qvm run --mount` host directories) without building
 * file-system nodes themselves. A provider answers with plain entries (a file's bytes, a nested
 * directory, a symbolic link); this file turns them into nodes of one read-only ramfs.
 *
 * An entry, once looked up, is fixed for the run: later lookups of the same name give the same
 * node (the same inode number), but the provider is still asked every time, so it can meter or
 * record each lookup. Inode numbers are allocated in the order the program first looks names
 * up; listings are sorted by byte value (ProviderDir).
 */
import type { Kernel } from './kernel.js';
import { ENOTDIR, SysError } from './errno.js';
import { type Inode, MemFile, ProviderDir, type Superblock, SymlinkNode } from './vfs/inode.js';
import { RAMFS_MAGIC } from './vfs/vfs.js';

/** What a provider answers for a name. Modes are permission bits (the type comes from `type`). */
export type ProvidedEntry =
  | { type: 'file'; mode: number; bytes: Uint8Array }
  | { type: 'dir'; mode: number; dir: DirProvider }
  | { type: 'symlink'; target: string };

/** A directory's content, supplied on demand. */
export interface DirProvider {
  /** The names in the directory (any order). */
  list(): readonly string[];
  /** The entry called `name`, or null when there is none. */
  lookup(name: string): ProvidedEntry | null;
}

/** Mount `dir` read-only at the absolute guest path `path` (mode: the directory's permission bits). */
export function mountProvider(kernel: Kernel, path: string, mode: number, dir: DirProvider): void {
  const sb = kernel.vfs.newSuperblock(RAMFS_MAGIC, true);
  kernel.vfs.mount(path, providerNode(sb, mode, dir));
}

/** Set the program's working directory; throws SysError (ENOENT, ENOTDIR, …) unless `path` is a directory in the guest. */
export function setWorkingDirectory(kernel: Kernel, path: string): void {
  const l = kernel.vfs.walk(path, [kernel.vfs.rootEntry], { follow: true });
  if (!l.node || l.node.type !== 'dir') throw new SysError(ENOTDIR);
  kernel.cwd = l.stack;
}

function providerNode(sb: Superblock, mode: number, dir: DirProvider): ProviderDir {
  const nodes = new Map<string, Inode>();
  return new ProviderDir(sb, { mode }, {
    list: () => [...dir.list()],
    lookup: (name) => {
      const entry = dir.lookup(name);
      if (entry === null) return null;
      let node = nodes.get(name);
      if (node === undefined) nodes.set(name, (node = nodeOf(sb, entry)));
      return node;
    },
  });
}

function nodeOf(sb: Superblock, e: ProvidedEntry): Inode {
  switch (e.type) {
    case 'file': return new MemFile(sb, { mode: e.mode }, e.bytes);
    case 'dir': return providerNode(sb, e.mode, e.dir);
    case 'symlink': {
      const target = e.target;
      return new SymlinkNode(sb, { mode: 0o777 }, () => target);
    }
  }
}
