/**
 * The cost of the versioned state store (docs/chain.md, "Historical state"): N token transfers
 * in process, each in its own block, on a file database; prints the history rows and bytes per
 * transfer (SQLite's dbstat), the database size, and the time of a dry run at a past block
 * against one at the latest block.   node dist/bench/history.js [N]
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { privateKeyToAccount } from 'viem/accounts';
import { Chain, devAccounts, DEV_BALANCE, encodeCall, encodeDeploy, toHex, type Hex } from '../src/chain/index.js';
import { root } from './harness.js';

const N = Number(process.argv[2] ?? 200);
const DEV = devAccounts(2);
const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3' as Hex;
const dir = mkdtempSync(join(tmpdir(), 'qvm-bench-history-'));
try {
  const genesisAlloc = DEV.map((a) => ({ address: a.address, balance: DEV_BALANCE }));
  const chain = new Chain({ dataDir: dir, genesisAlloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n });
  const key = privateKeyToAccount(DEV[0]!.privateKey);
  const sign = async (nonce: number, to: Hex | null, data: Uint8Array): Promise<Uint8Array> => {
    const s = await key.signTransaction({ type: 'eip1559', chainId: 1337, nonce, gas: 50_000_000n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 0n, data: toHex(data), ...(to ? { to } : {}) });
    return Uint8Array.from(Buffer.from(s.slice(2), 'hex'));
  };
  chain.submit(await sign(0, null, encodeDeploy(readFileSync(join(root, 'test/build/examples/token-c')), ['1000000000'])));
  chain.mine();
  const size = (): number => (chain.db.prepare("SELECT SUM(pgsize) AS b FROM dbstat WHERE name LIKE '%history%' OR name = 'block_versions'").get() as { b: number }).b;
  const rows = (): number => (chain.db.prepare('SELECT (SELECT COUNT(*) FROM account_history) + (SELECT COUNT(*) FROM storage_history) AS n').get() as { n: number }).n;
  const [bytes0, rows0] = [size(), rows()];
  for (let i = 0; i < N; i++) {
    chain.submit(await sign(i + 1, TOKEN, encodeCall(['transfer', `0x${(i + 1).toString(16).padStart(40, '0')}`, '1'])));
    chain.mine();
  }
  const perTx = (size() - bytes0) / N;
  console.log(`${N} token transfers: ${((rows() - rows0) / N).toFixed(1)} history rows and ${perTx.toFixed(0)} bytes of history (tables + indexes) per transfer`);
  console.log(`database: ${(statSync(join(dir, 'chain.sqlite')).size / 1024).toFixed(0)} KiB (WAL not counted)`);
  const call = { to: TOKEN, data: encodeCall(['balance', DEV[0]!.address]) };
  const time = (at?: number): number => {
    chain.dryRun(call, at);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) chain.dryRun(call, at);
    return (performance.now() - t0) / 20;
  };
  const latest = time();
  const past = time(Math.floor(N / 2));
  console.log(`dry run: latest ${latest.toFixed(2)} ms, at block ${Math.floor(N / 2)} ${past.toFixed(2)} ms (${(past / latest).toFixed(2)}×)`);
  chain.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
