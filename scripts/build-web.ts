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

const PAGES = [
  { name: 'explorer', entry: 'explorer/main.ts', html: 'explorer/page.html' },
  { name: 'playground', entry: 'playground/main.ts', html: 'playground/page.html' },
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

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const style = readFileSync(join(web, 'style.css'), 'utf8');
  const worker = await bundle(WORKER_ENTRY);
  for (const p of PAGES) {
    const text = await bundle(p.entry, { __QVM_WORKER__: JSON.stringify(worker) });
    // (a "</script" inside the bundle would end the inline script early)
    const js = text.replace(/<\/script/gi, '<\\/script');
    const html = readFileSync(join(web, p.html), 'utf8').replace('/*STYLE*/', () => style).replace('/*SCRIPT*/', () => js);
    writeFileSync(join(out, `${p.name}.html`), html);
    console.log(`web: dist/web/${p.name}.html (${(html.length / 1024).toFixed(0)} KiB)`);
  }
}

main().catch((e: Error) => {
  console.error(`build-web: ${e.message}`);
  process.exit(1);
});
