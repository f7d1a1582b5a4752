/**
 * The explorer and the playground in a real browser: Debian's headless Chromium driven by
 * puppeteer-core, against a real `qvm node`. The explorer shows a token transfer with its event
 * text and storage writes, finds it by hash, and shows a new block without a reload; the
 * playground (served by the node, and opened alone from disk) runs a C and a Go program with the
 * same stdout and gas as `qvm run`, and dry-runs a contract call against the node's storage.
 * Screenshots of every page go to test/output/web/.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { encodeCall, type Hex } from '../src/chain/index.js';
import { ADDRS, KEYS, example, rpc, send, startNode, type NodeProc } from './chain-helpers.js';
import { BUILD, CLI, ROOT } from './helpers.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const OUT = join(ROOT, 'test', 'output', 'web');
const PLAYGROUND_FILE = join(ROOT, 'dist', 'web', 'playground.html');
const token = example('token-c');
const skip = !CHROMIUM ? 'chromium not installed (apt-get install chromium)' : !token ? 'examples not built' : !existsSync(PLAYGROUND_FILE) ? 'web pages not built (npm run build)' : false;

/** `qvm run --json` of a program: what the page must reproduce. */
function qvmRun(path: string, args: string[]): { stdout: string; gasUsed: number; exitCode: number } {
  const r = spawnSync(process.execPath, [CLI, 'run', '--json', path, ...args], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

describe('explorer and playground in Chromium', { skip }, () => {
  let node: NodeProc;
  let browser: Browser;
  let page: Page;
  let tokenAddr: Hex;
  let transfer: Hex;
  const pageErrors: string[] = [];

  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  };
  const text = (sel: string): Promise<string> => page.$eval(sel, (e) => (e as HTMLElement).innerText);

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    node = await startNode(['--in-memory', '--timestamp-step', '2', '--deploy', `${token},1000`]);
    const contracts = await rpc<Array<{ hash: Hex; contractAddress: Hex | null }>>(node.url, 'qvm_listTransactions', [{}]);
    tokenAddr = contracts.find((t) => t.contractAddress)!.contractAddress!;
    transfer = await send(node.url, KEYS[0]!, { to: tokenAddr, data: encodeCall(['transfer', ADDRS[1]!, '300'], [`BAL_${ADDRS[0]}`]) });
    const { default: puppeteer } = await import('puppeteer-core');
    browser = await puppeteer.launch({ executablePath: CHROMIUM!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  });

  after(async () => {
    assert.deepEqual(pageErrors, [], 'no script errors in the pages');
    await browser?.close();
    await node?.stop();
  });

  it('the transaction page: sender, contract, args, status, event text, storage writes old → new, flame graph', async () => {
    await page.goto(`${node.url}/tx/${transfer}`);
    await page.waitForSelector('#events');
    assert.equal(await text('#tx-hash'), transfer);
    assert.equal(await text('#tx-status'), 'success');
    assert.equal(await text('#tx-args'), `transfer ${ADDRS[1]} 300`);
    assert.equal(await text('#events'), `transfer ${ADDRS[0]} ${ADDRS[1]} 300`);
    const writes = await page.$$eval('table.writes tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.innerText)));
    assert.deepEqual(writes, [[`BAL_${ADDRS[0]}`, '1000', '700'], [`BAL_${ADDRS[1]}`, '(none)', '300']]);
    const body = await text('main');
    assert.ok(body.includes(ADDRS[0]!) && body.includes(tokenAddr), 'sender and contract shown');
    const frames = await page.$$eval('.frame', (fs) => fs.map((f) => (f as HTMLElement).title.split('\n')[0]));
    assert.ok(frames.includes('main') && frames.includes('_start'), `flame graph frames: ${frames.slice(0, 10).join(', ')}`);
    await shot('tx');
  });

  it('search finds the transaction by hash, a block by number and an address', async () => {
    await page.goto(`${node.url}/`);
    await page.waitForSelector('#blocks table');
    await page.type('header input', transfer);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.waitForFunction(() => location.pathname.startsWith('/tx/'));
    await page.waitForSelector('#events');
    assert.equal(new URL(page.url()).pathname, `/tx/${transfer}`);
    await page.goto(`${node.url}/?q=1`);
    await page.waitForFunction(() => location.pathname === '/block/1');
    await page.waitForSelector('table.list');
    await shot('block');
    await page.goto(`${node.url}/?q=nothing-here`);
    await page.waitForSelector('#not-found');
    await page.goto(`${node.url}/?q=${tokenAddr}`);
    await page.waitForFunction(() => location.pathname.startsWith('/address/'));
    await page.waitForSelector('#storage table');
    const storage = await page.$$eval('#storage tbody tr', (rows) => rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ')));
    assert.ok(storage.includes(`BAL_${ADDRS[1]} 300`), storage.join(' | '));
    assert.ok((await text('main')).includes('x86_64'));
    await shot('address');
  });

  it('a new block appears on the home page without a reload', async () => {
    await page.goto(`${node.url}/`);
    await page.waitForSelector(`[data-tx="${transfer}"]`);
    const before = Number(await text('#head'));
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
    const next = await send(node.url, KEYS[1]!, { to: tokenAddr, data: encodeCall(['transfer', ADDRS[2]!, '25']) });
    await page.waitForSelector(`[data-tx="${next}"]`, { timeout: 10_000 });
    await page.waitForSelector(`[data-block="${before + 1}"]`);
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
    await shot('home');
  });

  const playgroundRun = async (path: string, args: string[]): Promise<{ stdout: string; gas: number; exit: number }> => {
    const input = await page.waitForSelector('#file');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path);
    await page.waitForFunction(() => !(document.getElementById('run') as HTMLButtonElement).disabled);
    await page.$eval('#args', (e, v) => { (e as HTMLTextAreaElement).value = v; }, args.join('\n'));
    await page.click('#run');
    await page.waitForSelector('#gas-used', { timeout: 60_000 });
    return { stdout: await page.$eval('#stdout', (e) => e.textContent ?? ''), gas: Number(await text('#gas-used')), exit: Number(await text('#exit')) };
  };

  it('the playground on the node runs C hello and a Go program: same stdout and gas as qvm run', async () => {
    await page.goto(`${node.url}/playground`);
    const hello = join(BUILD, 'hello.musl.O2');
    const want = qvmRun(hello, ['world']);
    const got = await playgroundRun(hello, ['world']);
    assert.deepEqual(got, { stdout: want.stdout, gas: want.gasUsed, exit: want.exitCode });
    assert.ok((await text('#trace')).includes('writev('), 'the syscall trace is shown');
    assert.ok((await page.$$('.frame')).length > 3, 'the profile is drawn');
    await shot('playground-c');
    const goHello = join(BUILD, 'go', 'hello');
    if (existsSync(goHello)) {
      await page.reload();
      const goWant = qvmRun(goHello, ['gopher']);
      const goGot = await playgroundRun(goHello, ['gopher']);
      assert.deepEqual(goGot, { stdout: goWant.stdout, gas: goWant.gasUsed, exit: goWant.exitCode });
      await shot('playground-go');
    }
  });

  it('the playground: a file that is no ELF gets a one-line error, and Stop ends a run that would go on', async () => {
    await page.goto(`${node.url}/playground`);
    const input = await page.waitForSelector('#file');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(join(ROOT, 'web', 'style.css'));
    await page.waitForFunction(() => !(document.getElementById('run') as HTMLButtonElement).disabled);
    await page.click('#run');
    await page.waitForSelector('#error');
    assert.equal(await text('#error'), 'not an ELF file (bad magic)');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(join(BUILD, 'bad', 'infinite_loop.musl.O2'));
    await page.waitForFunction(() => document.getElementById('elf-name')!.textContent!.startsWith('infinite_loop'));
    await page.click('#run');
    await page.waitForFunction(() => !(document.getElementById('stop') as HTMLButtonElement).disabled);
    await page.click('#stop');
    await page.waitForSelector('#error');
    assert.equal(await text('#error'), 'stopped');
  });

  it('the playground opened alone from disk runs the same, with a file dropped on it', async () => {
    await page.goto(pathToFileURL(PLAYGROUND_FILE).href);
    const prog = join(BUILD, 'qsort_bsearch.musl.O0');
    const want = qvmRun(prog, []);
    const got = await playgroundRun(prog, []);
    assert.deepEqual(got, { stdout: want.stdout, gas: want.gasUsed, exit: want.exitCode });
    await shot('playground-file');
    // dropped instead of picked: the page's drop handler reads the file
    const hello = join(BUILD, 'hello.musl.O0');
    const b64 = readFileSync(hello).toString('base64');
    await page.evaluate((data: string) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped-hello'));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, b64);
    await page.waitForFunction(() => document.getElementById('elf-name')!.textContent!.startsWith('dropped-hello'));
    await page.$eval('#args', (e) => { (e as HTMLTextAreaElement).value = 'drop'; });
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('stdout')?.textContent?.includes('drop'));
    const dropped = qvmRun(hello, ['drop']);
    assert.equal(await page.$eval('#stdout', (e) => e.textContent), dropped.stdout);
    assert.equal(Number(await text('#gas-used')), dropped.gasUsed);
  });

  it('the playground dry-runs a contract call against the node\'s storage, with the node\'s gas', async () => {
    await page.goto(`${node.url}/playground`);
    await page.type('#contract', tokenAddr);
    await page.$eval('#call-args', (e, v) => { (e as HTMLTextAreaElement).value = v; }, `balance\n${ADDRS[1]}`);
    await page.type('#sender', ADDRS[1]!);
    await page.click('#dry-run');
    await page.waitForSelector('#call-gas-used', { timeout: 30_000 });
    assert.equal(await text('#call-status'), 'success');
    assert.equal(await text('#call-events'), `balance ${ADDRS[1]} 275`); // 300 received, 25 sent on
    const onNode = await rpc<{ vmGasUsed: number }>(node.url, 'qvm_call', [{ from: ADDRS[1], to: tokenAddr, args: ['balance', ADDRS[1]] }]);
    assert.equal(Number(await text('#call-gas-used')), onNode.vmGasUsed);
    await shot('playground-call');
  });
});
