/**
 * `qvm run --mount HOSTDIR:GUESTDIR [--cwd GUESTDIR]`: a host directory visible read-only inside
 * the guest (for local runs, e.g. Go test binaries reading their testdata). Never used by the chain.
 *
 * Deterministic as far as the host content is: listings are sorted by byte value, inode numbers
 * come from the guest file system's allocator in the order the program looks entries up, times
 * are the guest's virtual clock at first lookup, owners are root, modes are the host's permission
 * bits without write bits. A file's bytes are read when the program first looks it up. Symbolic
 * links are shown as they are on the host (targets are resolved inside the guest). Other kinds
 * of host files (sockets, devices, fifos) are left out.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Kernel } from '../kernel/kernel.js';
import { SysError } from '../kernel/errno.js';
import { type Inode, MemFile, ProviderDir, type Superblock, SymlinkNode } from '../kernel/vfs/inode.js';

const RAMFS_MAGIC = 0x858458f6;
const ENOTDIR = 20;

export interface MountSpec {
  host: string;
  guest: string;
}

/** Parse HOSTDIR:GUESTDIR (GUESTDIR absolute). */
export function parseMount(spec: string): MountSpec {
  const i = spec.lastIndexOf(':');
  if (i <= 0 || i === spec.length - 1) throw new Error(`--mount expects HOSTDIR:GUESTDIR, got "${spec}"`);
  const host = spec.slice(0, i);
  const guest = spec.slice(i + 1);
  if (!guest.startsWith('/')) throw new Error(`--mount: the guest directory must be absolute, got "${guest}"`);
  if (!statSync(host, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--mount: ${host} is not a directory`);
  return { host, guest };
}

function readOnlyMode(st: Stats): number {
  return st.mode & 0o7555;
}

function hostNode(sb: Superblock, path: string): Inode | null {
  let st: Stats | undefined;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return null;
  }
  if (!st) return null;
  if (st.isDirectory()) return hostDir(sb, path, readOnlyMode(st));
  if (st.isFile()) return new MemFile(sb, { mode: readOnlyMode(st) }, new Uint8Array(readFileSync(path)));
  if (st.isSymbolicLink()) {
    const target = readlinkSync(path);
    return new SymlinkNode(sb, { mode: 0o777 }, () => target);
  }
  return null;
}

function hostDir(sb: Superblock, path: string, mode: number): ProviderDir {
  const cache = new Map<string, Inode | null>();
  let names: string[] | null = null;
  const list = (): string[] => {
    if (names === null) {
      try {
        names = readdirSync(path).filter((n) => hostNodeKind(join(path, n)));
      } catch {
        names = [];
      }
    }
    return names;
  };
  return new ProviderDir(sb, { mode }, {
    list,
    lookup: (name) => {
      if (cache.has(name)) return cache.get(name)!;
      const node = list().includes(name) ? hostNode(sb, join(path, name)) : null;
      cache.set(name, node);
      return node;
    },
  });
}

function hostNodeKind(path: string): boolean {
  const st = lstatSync(path, { throwIfNoEntry: false });
  return !!st && (st.isDirectory() || st.isFile() || st.isSymbolicLink());
}

/** Attach the mounts to a kernel's file system and set its working directory. */
export function applyMounts(k: Kernel, mounts: readonly MountSpec[], cwd: string | undefined): void {
  for (const m of mounts) {
    const sb = k.vfs.newSuperblock(RAMFS_MAGIC, true);
    const st = statSync(m.host);
    k.vfs.mount(m.guest, hostDir(sb, m.host, readOnlyMode(st)));
  }
  if (cwd !== undefined) {
    const l = k.vfs.walk(cwd, [k.vfs.rootEntry], { follow: true });
    if (!l.node || l.node.type !== 'dir') throw new SysError(ENOTDIR);
    k.cwd = l.stack;
  }
}
