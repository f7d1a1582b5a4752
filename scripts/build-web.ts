/**
 * Builds the node's web pages (docs/explorer.md) into dist/web/: explorer.html and
 * playground.html, each one self-contained file (script and style inlined, no CDN), so the node
 * serves them offline and the playground also works opened from disk. The playground bundles the
 * engine itself (src/machine, src/contract) for browsers: esbuild's browser platform refuses any
 * Node.js-only import on that path, so one slipping in fails the build.
 * Run by `npm run build` (after tsc): node dist/scripts/build-web.js
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const web = join(root, 'web');
const out = join(root, 'dist', 'web');

/** Every page is web/layout.html (head, style, the links every page has, script) around its own page.html. */
const PAGES = [
  { name: 'explorer', title: 'QVM explorer', entry: 'explorer/main.ts', html: 'explorer/page.html' },
  { name: 'playground', title: 'QVM playground', entry: 'playground/main.ts', html: 'playground/page.html' },
];
/** The playground runs the engine in a Web Worker made from this bundle (inlined as a string). */
const WORKER_ENTRY = 'playground/worker.ts';

async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const r = await build({
    entryPoints: [join(web, entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
    define,
  });
  return r.outputFiles[0]!.text;
}

/** A page.html's parts: after its leading comment, its header items, then its <main> to the end. */
function pageParts(text: string, file: string): { HEADER: string; MAIN: string } {
  const body = text.replace(/^<!--[\s\S]*?-->\n/, '');
  const at = body.indexOf('<main');
  if (at < 0) throw new Error(`${file} has no <main>`);
  return { HEADER: body.slice(0, at).replace(/\n$/, ''), MAIN: body.slice(at).replace(/\n$/, '') };
}

// every slot of the layout (a NAME in a CSS-style comment) in one pass, so nothing inserted is scanned again
function fillLayout(layout: string, slots: Readonly<Record<string, string>>): string {
  const used = new Set<string>();
  const html = layout.replace(/\/\*([A-Z]+)\*\//g, (_m, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new Error(`web/layout.html: no value for slot ${name}`);
    used.add(name);
    return value;
  });
  const unused = Object.keys(slots).filter((n) => !used.has(n));
  if (unused.length) throw new Error(`web/layout.html has no slot ${unused.join(', ')}`);
  return html;
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const style = readFileSync(join(web, 'style.css'), 'utf8');
  const layout = readFileSync(join(web, 'layout.html'), 'utf8');
  const worker = await bundle(WORKER_ENTRY);
  for (const p of PAGES) {
    const text = await bundle(p.entry, { __QVM_WORKER__: JSON.stringify(worker) });
    // (a "</script" inside the bundle would end the inline script early)
    const js = text.replace(/<\/script/gi, '<\\/script');
    const html = fillLayout(layout, { TITLE: p.title, ...pageParts(readFileSync(join(web, p.html), 'utf8'), p.html), STYLE: style, SCRIPT: js });
    writeFileSync(join(out, `${p.name}.html`), html);
    console.log(`web: dist/web/${p.name}.html (${(html.length / 1024).toFixed(0)} KiB)`);
  }
}

main().catch((e: Error) => {
  console.error(`build-web: ${e.message}`);
  process.exit(1);
});
