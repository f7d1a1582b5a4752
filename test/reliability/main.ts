/**
 * The reliability campaigns (scripts/reliability.sh): runs each campaign, prints one line per
 * campaign and a closing "N passed, M failed", and writes the figures as JSON for
 * docs/reliability.md. Runs only when started with --run (node --test loads every file under
 * dist/test/, and this one must do nothing there).
 *
 *   node dist/test/reliability/main.js --run [--quick] [--seed N] [--only a,b] [--size N] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import type { Campaign, CampaignResult } from './campaign.js';
import { crash } from './crash.js';
import { crashL2 } from './crash-l2.js';
import { fuzzCode } from './fuzz-code.js';
import { fuzzElf } from './fuzz-elf.js';
import { fuzzEnvelope } from './fuzz-envelope.js';
import { fuzzProtocol } from './fuzz-protocol.js';
import { fuzzRpc } from './fuzz-rpc.js';
import { hostile } from './hostile.js';
import { load } from './load.js';

export const CAMPAIGNS: Campaign[] = [fuzzElf, fuzzCode, fuzzProtocol, fuzzEnvelope, fuzzRpc, hostile, crash, crashL2, load];

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const quick = process.argv.includes('--quick');
  const seed = Number(argValue('--seed') ?? 1);
  const only = argValue('--only')?.split(',');
  const jsonOut = argValue('--json');
  const size = argValue('--size') === undefined ? undefined : Number(argValue('--size'));
  if (size !== undefined && !(Number.isSafeInteger(size) && size > 0)) {
    console.error('reliability: --size must be a positive integer');
    return 2;
  }
  const chosen = CAMPAIGNS.filter((c) => !only || only.includes(c.name));
  if (only) for (const n of only) if (!CAMPAIGNS.some((c) => c.name === n)) {
    console.error(`reliability: unknown campaign ${n} (known: ${CAMPAIGNS.map((c) => c.name).join(', ')})`);
    return 2;
  }
  const results: Array<{ name: string; what: string; seconds: number } & CampaignResult> = [];
  let passed = 0, failed = 0;
  for (const c of chosen) {
    const started = Date.now();
    let res: CampaignResult;
    try {
      res = await c.run({ quick, seed, ...(size !== undefined ? { size } : {}), log: (line) => console.error(`  ${line}`) });
    } catch (e) {
      res = { ok: false, figures: [], notes: [`campaign threw: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`] };
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const figures = res.figures.map(([k, v]) => `${k} ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`).join(', ');
    console.log(`${res.ok ? 'PASS' : 'FAIL'} ${c.name} (${seconds} s): ${figures}`);
    for (const n of res.notes) console.log(`     ${n}`);
    if (res.ok) passed++; else failed++;
    results.push({ name: c.name, what: c.what, seconds, ...res });
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ quick, seed, date: new Date().toISOString(), results }, null, 2));
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (process.argv.includes('--run')) {
  main().then((code) => process.exit(code), (e: unknown) => {
    console.error(`reliability: ${(e as Error).message}`);
    process.exit(2);
  });
}
