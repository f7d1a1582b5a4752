/**
 * Crash safety of an L2 executor: kill -9 at random points while it derives from anvil, then
 * resume and compare with a fresh executor (test/l2-crash.test.ts, run with
 * QVM_L2_CRASH_ROUNDS rounds).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { campaign } from './campaign.js';

const TEST = join(dirname(fileURLToPath(import.meta.url)), '..', 'l2-crash.test.js');

export const crashL2 = campaign(
  'crash-l2',
  'kill -9 of an L2 executor while it derives from L1 (anvil); it resumes and matches a fresh executor',
  { quick: 4, full: 50 },
  async (t, rounds, opts) => {
    const r = spawnSync(process.execPath, ['--test', TEST], {
      encoding: 'utf8', env: { ...process.env, QVM_L2_CRASH_ROUNDS: String(rounds) }, maxBuffer: 1 << 26, timeout: 60 * 60_000,
    });
    const pass = Number(/^# pass (\d+)/m.exec(r.stdout)?.[1] ?? 0);
    const fail = Number(/^# fail (\d+)/m.exec(r.stdout)?.[1] ?? 0);
    t.add('kill rounds', rounds);
    t.add('tests passed', pass);
    if (r.status !== 0 || fail > 0 || pass === 0) {
      t.fail(`l2-crash test: exit ${r.status}, ${pass} passed, ${fail} failed`);
      for (const l of r.stdout.split('\n').filter((x) => /not ok|error:/.test(x)).slice(0, 5)) t.note(l.trim());
    }
    opts.log(`crash-l2: ${rounds} rounds, exit ${r.status}`);
    return t.result(['kill rounds', 'tests passed']);
  },
);
