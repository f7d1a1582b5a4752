/** A tiny element builder for the pages (no framework: the pages are small and must work offline). */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

/** A two-column table of label → value rows. */
export function fields(rows: Array<[string, Child]>): HTMLTableElement {
  return h('table', { class: 'fields' }, ...rows.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v))));
}

/** A table with a header row. */
export function table(head: string[], rows: Child[][], cls = 'list'): HTMLTableElement {
  return h('table', { class: cls }, h('thead', null, h('tr', null, ...head.map((x) => h('th', null, x)))), h('tbody', null, ...rows.map((r) => h('tr', null, ...r.map((c) => h('td', null, c))))));
}

/** Bytes given as 0x hex → text (UTF-8, invalid bytes replaced). */
export function hexText(hex: string | null): string {
  if (hex === null) return '';
  const b = hexBytes(hex);
  return new TextDecoder().decode(b);
}

export function hexBytes(hex: string): Uint8Array {
  const s = hex.startsWith('0x') ? hex.slice(2) : hex;
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesHex(b: Uint8Array): string {
  let s = '0x';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function short(hex: string, n = 10): string {
  return hex.length > n + 6 ? `${hex.slice(0, n)}…${hex.slice(-4)}` : hex;
}

export function gas(n: number | string | bigint): string {
  return BigInt(n).toLocaleString('en-US');
}
