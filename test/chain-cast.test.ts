/** foundry's `cast` (npm @foundry-rs/cast-linux-amd64) against a `qvm node`. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { TOPIC_STDOUT } from '../src/contract/index.js';
import { encodeDeploy } from '../src/chain/index.js';
import { ADDRS, CAST, example, KEYS, send, startNode, type NodeProc } from './chain-helpers.js';

function cast(url: string, ...args: string[]): string {
  const p = spawnSync(CAST, [...args, '--rpc-url', url], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(p.status, 0, `cast ${args.join(' ')}: ${p.stderr}`);
  return p.stdout.trim();
}

describe('cast against qvm node', { skip: existsSync(CAST) ? false : 'cast not installed (npm ci)' }, () => {
  let node: NodeProc;
  before(async () => {
    node = await startNode(['--in-memory']);
  });
  after(async () => {
    await node?.stop();
  });

  it('reads chain id, block number, balance and nonce', () => {
    assert.equal(cast(node.url, 'chain-id'), '1337');
    assert.equal(cast(node.url, 'block-number'), '0');
    assert.equal(cast(node.url, 'balance', ADDRS[1]!), (10_000n * 10n ** 18n).toString());
    assert.equal(cast(node.url, 'nonce', ADDRS[1]!), '0');
    assert.match(cast(node.url, 'client'), /^qvm\//);
  });

  it('sends a value transfer (cast send) and reads its receipt and block', () => {
    const to = '0x000000000000000000000000000000000000dEaD';
    const out = cast(node.url, 'send', '--private-key', KEYS[1]!, to, '--value', '12345', '--json');
    const r = JSON.parse(out) as { status: string; transactionHash: string; blockNumber: string; gasUsed: string };
    assert.equal(r.status, '0x1');
    assert.equal(BigInt(r.gasUsed), 21_000n);
    assert.equal(cast(node.url, 'balance', to), '12345');
    assert.equal(cast(node.url, 'nonce', ADDRS[1]!), '1');
    assert.match(cast(node.url, 'receipt', r.transactionHash, 'status'), /^(true|1 \(success\))$/);
    assert.equal(cast(node.url, 'block-number'), '1');
    const legacy = JSON.parse(cast(node.url, 'send', '--legacy', '--private-key', KEYS[2]!, to, '--value', '1', '--json')) as { status: string };
    assert.equal(legacy.status, '0x1');
    const tx = JSON.parse(cast(node.url, 'tx', r.transactionHash, '--json')) as { from: string };
    assert.equal(tx.from.toLowerCase(), ADDRS[1]);
    const blk = JSON.parse(cast(node.url, 'block', 'latest', '--json')) as { number: string };
    assert.equal(BigInt(blk.number), 2n);
  });

  it('reads contract logs (cast logs)', { skip: example('token-c') ? false : 'token-c not built' }, async () => {
    await send(node.url, KEYS[0]!, { to: null, data: encodeDeploy(readFileSync(example('token-c')!), ['77']) });
    const out = cast(node.url, 'logs', '--from-block', '0', '--json', TOPIC_STDOUT);
    const logs = JSON.parse(out) as Array<{ data: string; topics: string[] }>;
    assert.equal(logs.length, 1);
    assert.equal(Buffer.from(logs[0]!.data.slice(2), 'hex').toString(), `mint ${ADDRS[0]} 77`);
  });
});
