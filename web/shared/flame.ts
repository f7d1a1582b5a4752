/**
 * A gas profile drawn as a flame graph (an icicle: the entry point on top, callees below, widths
 * proportional to gas), with a click to zoom into a frame, and the table of functions by exclusive
 * gas. Plain DOM, no library.
 */
import type { GasProfile } from '../../src/machine/profile/types.js';
import { gas, h, table } from './dom.js';

interface FlameNode {
  name: string;
  value: number;
  kids: Map<string, FlameNode>;
}

const ROW = 18;
/** Frames narrower than this share of the view are not drawn (their gas is in the parent's width). */
const MIN_SHARE = 0.002;

function tree(p: GasProfile): FlameNode {
  const root: FlameNode = { name: '', value: 0, kids: new Map() };
  for (const s of p.stacks) {
    root.value += s.gas;
    let n = root;
    for (const f of s.frames) {
      let k = n.kids.get(f);
      if (!k) n.kids.set(f, (k = { name: f, value: 0, kids: new Map() }));
      k.value += s.gas;
      n = k;
    }
  }
  return root.kids.size === 1 ? [...root.kids.values()][0]! : root;
}

function color(name: string): string {
  if (name.startsWith('[')) return name.startsWith('[syscall') ? '#9db8d9' : name === '[storage]' ? '#c5a3d9' : '#b8c4b8';
  let x = 0;
  for (let i = 0; i < name.length; i++) x = (x * 31 + name.charCodeAt(i)) >>> 0;
  return `hsl(${20 + (x % 40)}, ${60 + (x % 25)}%, ${62 + (x % 12)}%)`;
}

function depth(n: FlameNode): number {
  let d = 0;
  for (const k of n.kids.values()) d = Math.max(d, depth(k));
  return d + 1;
}

/** The flame graph of a profile (an element that redraws itself on zoom). */
export function flameGraph(p: GasProfile): HTMLElement {
  const full = tree(p);
  const box = h('div', { class: 'flame' });
  const draw = (top: FlameNode, path: FlameNode[]): void => {
    box.replaceChildren();
    const crumbs = h('div', { class: 'crumbs' }, 'zoom: ', ...path.map((n, i) => h('a', { href: '#', onclick: ((e: Event) => { e.preventDefault(); draw(n, path.slice(0, i + 1)); }) as EventListener }, n.name || '(all)')).flatMap((a, i) => (i ? [' › ', a] : [a])));
    const rows = Math.min(depth(top), 60);
    const area = h('div', { class: 'flame-area', style: `height:${rows * ROW}px` });
    const place = (n: FlameNode, x: number, d: number): void => {
      const share = n.value / top.value;
      if (share < MIN_SHARE || d >= rows) return;
      const pct = ((n.value / full.value) * 100).toFixed(2);
      const cell = h('div', {
        class: 'frame',
        style: `left:${(x * 100).toFixed(4)}%;width:${(share * 100).toFixed(4)}%;top:${d * ROW}px;background:${color(n.name)}`,
        title: `${n.name}\n${gas(n.value)} gas (${pct}% of the run)`,
        onclick: (() => draw(n, [...path, n])) as EventListener,
      }, share > 0.03 ? n.name : '');
      area.append(cell);
      let cx = x;
      for (const k of n.kids.values()) {
        place(k, cx, d + 1);
        cx += k.value / top.value;
      }
    };
    place(top, 0, 0);
    box.append(crumbs, area);
  };
  draw(full, [full]);
  return box;
}

/** Functions by exclusive gas, with their inclusive gas and call counts. */
export function functionTable(p: GasProfile, limit = 25): HTMLElement {
  const pct = (v: number): string => `${((v / p.gasUsed) * 100).toFixed(1)}%`;
  const c = p.categories;
  return h('div', null,
    h('p', { class: 'muted' },
      `instructions ${gas(c.instructions)} · syscalls ${gas(c.syscalls)} · memory ${gas(c.memory)} · output ${gas(c.output)} · storage ${gas(c.storage)} = ${gas(p.gasUsed)} gas`,
      p.naming === 'addresses' ? ' · stripped binary: functions are address ranges between call targets' : ''),
    table(['function', 'exclusive', '', 'inclusive', '', 'calls'],
      p.functions.slice(0, limit).map((f) => [h('code', null, f.name), gas(f.self), pct(f.self), gas(f.total), pct(f.total), gas(f.calls)]), 'list profile'));
}
