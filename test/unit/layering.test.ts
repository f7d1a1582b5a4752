/**
 * The layering of docs/architecture.md, checked on the real import graph of src/** and web/**:
 * every import goes down the table below (never up, never sideways between cpu, kernel, mem and elf
 * except as listed), the deterministic core imports no host module, the browser bundles reach no
 * `node:` module, and the compiled modules have no static import cycle.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cycles, importGraph, listFiles, type ImportEdge } from './import-graph.js';

// dist/test/unit/layering.test.js → the repository, and the compiled tree beside it
const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROOT = resolve(DIST, '..');

type Layer = 'errors' | 'mem' | 'elf' | 'cpu' | 'kernel' | 'machine' | 'contract' | 'chain' | 'l2' | 'viem' | 'cli' | 'web';

interface Rule {
  /** The layers this one may import (besides itself and `errors`). */
  may: readonly Layer[];
  /** Packages it may import: a list of package names (no `node:` built-ins among them), or any. */
  packages: readonly string[] | 'any';
  /** What the layer is, for the failure message. */
  is: string;
}

/**
 * The truth: who may import whom. A layer may use any layer listed for it; everything else is a
 * layering error. `errors` (one error base) is importable by every layer and imports nothing.
 * The core below `contract` is deterministic: no clock, file system or network, so no `node:`
 * module; only the hash functions it needs.
 */
const LAYERS: Readonly<Record<Layer, Rule>> = {
  errors: { may: [], packages: [], is: 'the error base, src/errors.ts' },
  mem: { may: [], packages: [], is: 'guest memory' },
  elf: { may: ['mem'], packages: [], is: 'the ELF parser' },
  cpu: { may: ['mem'], packages: [], is: 'the CPUs, x86-64 and riscv64' },
  kernel: { may: ['mem'], packages: ['@noble/hashes'], is: 'the synthetic Linux kernel' },
  machine: { may: ['cpu', 'kernel', 'mem', 'elf'], packages: ['@noble/hashes'], is: 'one run of one binary' },
  // (viem: isAddress for the addresses of a call's context, pure and browser-safe, as issue 16 asks)
  contract: { may: ['machine', 'cpu', 'kernel', 'mem', 'elf'], packages: ['@noble/hashes', 'viem'], is: 'the contract ABI' },
  chain: { may: ['contract', 'machine', 'cpu', 'kernel', 'mem', 'elf'], packages: 'any', is: 'blocks, state, JSON-RPC' },
  l2: { may: ['chain', 'contract', 'machine', 'cpu', 'kernel', 'mem', 'elf'], packages: 'any', is: 'the L2 follower' },
  viem: { may: ['chain'], packages: 'any', is: 'the viem extension qvm/viem' },
  cli: { may: ['l2', 'chain', 'viem', 'contract', 'machine', 'cpu', 'kernel', 'mem', 'elf'], packages: 'any', is: 'the qvm command' },
  web: { may: ['contract', 'machine', 'cpu', 'kernel', 'mem', 'elf'], packages: [], is: 'the browser pages' },
};

/**
 * A unit test (test/unit/<layer>/…) imports its own layer and what that layer may import, so moving
 * a layer moves its tests; test helpers outside src/ are free. The exceptions, each with its reason:
 */
const UNIT_TEST_EXCEPTIONS: Readonly<Record<string, { imports: readonly string[]; why: string }>> = {
  'test/unit/kernel/harness.ts': { imports: ['src/machine/types.ts'], why: "a Kernel is built with the machine's DEFAULT_LIMITS" },
  'test/unit/elf/parse.test.ts': {
    imports: ['src/machine/process-image.ts'],
    why: 'the loadProcessImage tests share its ELF assembler (they belong in test/unit/machine/)',
  },
};

/** Bundles that run in a browser: nothing they reach at run time may import a `node:` module. */
const BROWSER_ENTRIES = ['web/playground/main.ts', 'web/playground/worker.ts', 'web/explorer/main.ts', 'src/viem/index.ts'];

function layerOf(file: string): Layer | string {
  const parts = file.split('/');
  if (parts[0] === 'web') return 'web';
  if (file === 'src/errors.ts' || parts[1] === 'errors') return 'errors';
  return parts.length === 2 ? (parts[1] as string).replace(/\.ts$/, '') : (parts[1] as string);
}

const isLayer = (name: string): name is Layer => Object.hasOwn(LAYERS, name);

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** Why an edge breaks the rules, or null when it keeps them. */
function violation(edge: ImportEdge): string | null {
  const from = layerOf(edge.from);
  if (!isLayer(from)) return `no rule for layer '${from}': add it to LAYERS in test/unit/layering.test.ts`;
  const rule = LAYERS[from];
  if (edge.to === null) {
    if (rule.packages === 'any') return null;
    const pkg = packageName(edge.specifier);
    if (rule.packages.includes(pkg)) return null;
    const allowed = rule.packages.length > 0 ? rule.packages.join(', ') : 'no package';
    return `${from} (${rule.is}) may import ${allowed}, not '${pkg}'`;
  }
  const to = layerOf(edge.to);
  if (to === from || to === 'errors') return null;
  if (!edge.to.startsWith('src/')) return `${from} imports ${edge.to}, outside src/`;
  if (isLayer(to) && rule.may.includes(to)) return null;
  const allowed = rule.may.length > 0 ? rule.may.join(', ') : 'nothing else';
  return `${from} → ${to} is not allowed: ${from} (${rule.is}) may import ${allowed}`;
}

const where = (e: ImportEdge): string => `${e.from}:${e.line} imports '${e.specifier}'`;

/** One shortest cycle through `start` inside a strongly connected component, as a path. */
function cyclePath(start: string, members: ReadonlySet<string>, next: (n: string) => readonly string[]): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const n = queue.shift() as string;
    for (const m of next(n)) {
      if (!members.has(m)) continue;
      if (m === start) {
        const path = [start];
        for (let p: string | undefined = n; p !== undefined && p !== start; p = prev.get(p)) path.splice(1, 0, p);
        return [...path, start];
      }
      if (!prev.has(m)) {
        prev.set(m, n);
        queue.push(m);
      }
    }
  }
  return [start];
}

function adjacency(edges: readonly ImportEdge[], keep: (e: ImportEdge) => boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    if (e.to === null || !keep(e)) continue;
    const list = out.get(e.from) ?? [];
    if (!list.includes(e.to)) list.push(e.to);
    out.set(e.from, list);
  }
  return out;
}

describe('layering', () => {
  const sources = [...listFiles(ROOT, 'src', ['.ts']), ...listFiles(ROOT, 'web', ['.ts'])];
  const edges = importGraph(ROOT, sources);

  it('the table itself goes one way: no layer reaches itself through others', () => {
    const names = Object.keys(LAYERS);
    const found = cycles(names, (l) => LAYERS[l as Layer].may);
    assert.deepEqual(found, [], 'LAYERS has a cycle');
    for (const [name, rule] of Object.entries(LAYERS)) {
      if (rule.packages !== 'any') for (const p of rule.packages) assert.ok(!p.startsWith('node:'), `${name}: a layer with a package list takes no node: module`);
    }
  });

  it('reads the whole tree', () => {
    // a scanner that found nothing would pass every rule: insist on the known shape
    assert.ok(sources.length > 120, `only ${sources.length} source files found under ${ROOT}`);
    const seen = new Set(sources.map(layerOf));
    for (const l of ['mem', 'elf', 'cpu', 'kernel', 'machine', 'contract', 'chain', 'l2', 'viem', 'cli', 'web']) assert.ok(seen.has(l), `no files of layer ${l}`);
    assert.ok(edges.some((e) => e.from === 'src/machine/run.ts' && e.to === 'src/elf/parse.ts'), 'machine/run.ts → elf/parse.ts not seen');
    assert.ok(edges.some((e) => e.kind === 'dynamic'), 'no dynamic import() seen');
    assert.ok(edges.some((e) => e.kind === 'url' && e.to === 'src/chain/exec-worker.ts'), 'the executor worker module not seen');
  });

  it('every import goes down the table', () => {
    const broken = edges.flatMap((e) => {
      const why = violation(e);
      return why === null ? [] : [`${where(e)}: ${why}`];
    });
    assert.deepEqual(broken, [], `layering broken:\n${broken.join('\n')}`);
  });

  it('unit tests import only their own layer and what it may import', () => {
    const tests = listFiles(ROOT, 'test/unit', ['.ts']).filter((f) => f.split('/').length > 3);
    const broken: string[] = [];
    for (const e of importGraph(ROOT, tests)) {
      if (e.to === null || !e.to.startsWith('src/')) continue;
      const layer = e.from.split('/')[2] as string;
      if (!isLayer(layer)) {
        broken.push(`${e.from}: test/unit/${layer}/ is not a layer of LAYERS`);
        continue;
      }
      const to = layerOf(e.to);
      if (to === layer || to === 'errors' || (isLayer(to) && LAYERS[layer].may.includes(to))) continue;
      if (UNIT_TEST_EXCEPTIONS[e.from]?.imports.includes(e.to)) continue;
      broken.push(`${where(e)}: a ${layer} unit test may import ${[layer, ...LAYERS[layer].may].join(', ')}, not ${to}`);
    }
    assert.ok(tests.length > 20, `only ${tests.length} unit test files found`);
    assert.deepEqual(broken, [], broken.join('\n'));
  });

  it('the browser bundles and qvm/viem reach no node: module at run time', () => {
    const runtime = edges.filter((e) => e.kind !== 'type');
    const bad: string[] = [];
    for (const entry of BROWSER_ENTRIES) {
      const seen = new Set<string>([entry]);
      const via = new Map<string, string>();
      const queue = [entry];
      while (queue.length > 0) {
        const f = queue.shift() as string;
        for (const e of runtime) {
          if (e.from !== f) continue;
          if (e.to === null) {
            if (e.specifier.startsWith('node:')) {
              const chain = [f];
              for (let p = via.get(f); p !== undefined; p = via.get(p)) chain.unshift(p);
              bad.push(`${entry}: ${chain.join(' → ')} imports '${e.specifier}' (line ${e.line})`);
            }
          } else if (!seen.has(e.to)) {
            seen.add(e.to);
            via.set(e.to, f);
            queue.push(e.to);
          }
        }
      }
    }
    assert.deepEqual(bad, [], bad.join('\n'));
  });

  it('the compiled modules have no static import cycle', () => {
    // The emitted JavaScript is the truth: tsc drops imports used only as types. Only static
    // edges count: in a static cycle one module runs while the other's bindings are still
    // uninitialised, whereas a dynamic import() runs after its importer has finished evaluating.
    assert.ok(existsSync(resolve(DIST, 'src')), 'dist/src is missing: run tsc first');
    const compiled = listFiles(DIST, 'src', ['.js']);
    const graph = adjacency(importGraph(DIST, compiled), (e) => e.kind === 'static');
    const next = (n: string): readonly string[] => graph.get(n) ?? [];
    const found = cycles(compiled, next).map((c) => cyclePath(c[0] as string, new Set(c), next).join(' → '));
    assert.deepEqual(found, [], `runtime import cycles:\n${found.join('\n')}`);
  });
});
