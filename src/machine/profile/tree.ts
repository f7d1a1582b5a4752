/**
 * From the recorder's call tree to a GasProfile: stacks, per-function exclusive and inclusive gas,
 * category totals, and the names of a stripped binary's address ranges.
 */
import type { ElfSegment } from '../../elf/parse.js';
import { isPseudoFrame, PSEUDO_MEMORY, PSEUDO_OUTPUT, PSEUDO_STORAGE, PSEUDO_SYSCALL_PREFIX, type FunctionGas, type GasCategories, type GasProfile, type ProfileStack } from './types.js';

export interface CallNode {
  /** Function name, pseudo-frame, or (stripped binary) '@' + hex call target. */
  name: string;
  self: number;
  calls: number;
  kids: Map<string, CallNode>;
}

export interface BuildOptions {
  gasUsed: number;
  naming: GasProfile['naming'];
  segments: readonly ElfSegment[];
  /** The last buckets charged, oldest first: a run cut off by its gas limit charged more than it reports, and the excess came last. */
  recent: readonly CallNode[];
}

export function buildProfile(root: CallNode, o: BuildOptions): GasProfile {
  let total = 0;
  walk(root, (n) => { total += n.self; });
  for (let i = o.recent.length - 1; i >= 0 && total > o.gasUsed; i--) {
    const n = o.recent[i]!;
    const cut = Math.min(n.self, total - o.gasUsed);
    n.self -= cut;
    total -= cut;
  }
  const rename = o.naming === 'addresses' ? addressRangeNames(root, o.segments) : null;
  const stacks: ProfileStack[] = [];
  const calls = new Map<string, number>();
  const path: string[] = [];
  const visit = (n: CallNode): void => {
    const name = rename?.get(n.name) ?? n.name;
    path.push(name);
    if (n.calls > 0) calls.set(name, (calls.get(name) ?? 0) + n.calls);
    if (n.self > 0) stacks.push({ frames: [...path], gas: n.self });
    for (const k of n.kids.values()) visit(k);
    path.pop();
  };
  visit(root);
  return summarize(stacks, calls, o.gasUsed, o.naming);
}

/** Categories and per-function totals of a list of stacks. */
export function summarize(stacks: ProfileStack[], calls: ReadonlyMap<string, number>, gasUsed: number, naming: GasProfile['naming']): GasProfile {
  const categories: GasCategories = { instructions: 0, syscalls: 0, memory: 0, output: 0, storage: 0 };
  const fns = new Map<string, FunctionGas>();
  const fn = (name: string): FunctionGas => {
    let f = fns.get(name);
    if (f === undefined) fns.set(name, (f = { name, self: 0, total: 0, calls: calls.get(name) ?? 0 }));
    return f;
  };
  for (const s of stacks) {
    const leaf = s.frames[s.frames.length - 1]!;
    if (leaf === PSEUDO_MEMORY) categories.memory += s.gas;
    else if (leaf === PSEUDO_OUTPUT) categories.output += s.gas;
    else if (leaf === PSEUDO_STORAGE) categories.storage += s.gas;
    else if (leaf.startsWith(PSEUDO_SYSCALL_PREFIX)) categories.syscalls += s.gas;
    else {
      categories.instructions += s.gas;
      fn(leaf).self += s.gas;
    }
    const seen = new Set<string>();
    for (const f of s.frames) {
      if (isPseudoFrame(f) || seen.has(f)) continue;
      seen.add(f);
      fn(f).total += s.gas;
    }
  }
  const functions = [...fns.values()].sort((a, b) => b.self - a.self || b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { gasUsed, naming, categories, stacks, functions };
}

function walk(n: CallNode, f: (n: CallNode) => void): void {
  f(n);
  for (const k of n.kids.values()) walk(k, f);
}

/**
 * A stripped binary's functions are the ranges between the call targets seen in the run: each
 * target up to the next one (or the end of its segment), named `0xSTART-0xEND`.
 */
function addressRangeNames(root: CallNode, segments: readonly ElfSegment[]): Map<string, string> {
  const targets = new Set<number>();
  walk(root, (n) => {
    if (n.name.startsWith('@')) targets.add(parseInt(n.name.slice(1), 16));
  });
  const sorted = [...targets].sort((a, b) => a - b);
  const names = new Map<string, string>();
  sorted.forEach((start, i) => {
    const seg = segments.find((s) => start >= s.vaddr && start < s.vaddr + s.memsz);
    let end = seg ? seg.vaddr + seg.memsz : start + 1;
    const next = sorted[i + 1];
    if (next !== undefined && next < end) end = next;
    names.set('@' + start.toString(16), `0x${start.toString(16)}-0x${(end - 1).toString(16)}`);
  });
  return names;
}

/** The profile with gas added at the root (the contract layer's costs after the program ended). */
export function withRootGas(p: GasProfile, pseudo: string, gas: number, gasUsed: number): GasProfile {
  if (gas <= 0 || p.stacks.length === 0) return { ...p, gasUsed };
  const root = p.stacks[0]!.frames[0]!;
  const stacks = p.stacks.map((s) => ({ frames: s.frames, gas: s.gas }));
  const same = stacks.find((s) => s.frames.length === 2 && s.frames[0] === root && s.frames[1] === pseudo);
  if (same) same.gas += gas;
  else stacks.push({ frames: [root, pseudo], gas });
  const calls = new Map(p.functions.map((f) => [f.name, f.calls]));
  return summarize(stacks, calls, gasUsed, p.naming);
}
