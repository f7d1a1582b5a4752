/**
 * Ethereum tooling against a `qvm node` process, with the real clients: an ethers 6 contract
 * listener and signer, viem's watchEvent/createBlockFilter on polled filters, WebSocket
 * subscriptions (newHeads, logs, newPendingTransactions) through viem and `ws`, `cast send
 * --unlocked`, a snapshot/revert fixture, a time warp seen by the contract's time(), historical
 * eth_call / qvm_getStorage, and the smaller methods (by index, block receipts, notifications).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ethers } from 'ethers';
import { createPublicClient, http, webSocket, type Log } from 'viem';
import WebSocket from 'ws';
import { encodeCall, encodeDeploy, type Hex } from '../src/chain/index.js';
import { TOPIC_STDOUT } from '../src/contract/index.js';
import { ADDRS, CAST, example, hex, rpc, rpcRaw, startNode, text, type NodeProc } from './chain-helpers.js';
import { PROBE } from './contract-helpers.js';

const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3' as Hex;
const skip = example('token-c') ? false : 'token-c not built';

/** Resolves when `check` holds, polling every 50 ms; fails after `ms`. */
async function until<T>(what: string, check: () => T | undefined | null | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const tokenBalance = async (url: string, who: Hex, block?: Hex | string): Promise<string | null> => {
  const st = await rpc<Record<string, Hex | null>>(url, 'qvm_getStorage', [TOKEN, [`BAL_${who}`], ...(block ? [block] : [])]);
  const v = st[`BAL_${who}`];
  return v ? text(v) : null;
};

describe('Ethereum tooling against qvm node', { skip }, () => {
  let node: NodeProc;
  let url: string;
  before(async () => {
    node = await startNode(['--in-memory', '--accounts', '3', '--deploy', `${example('token-c')!},1000`]);
    url = node.url;
  });
  after(async () => node?.stop());

  it('ethers: getSigner(0) sends, a contract event listener on filters fires', async () => {
    const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, polling: true });
    provider.pollingInterval = 100;
    try {
      const seen: string[] = [];
      await provider.on({ address: TOKEN }, (log: ethers.Log) => seen.push(text(log.data)));
      const signer = await provider.getSigner(0);
      assert.equal((await signer.getAddress()).toLowerCase(), ADDRS[0]);
      const tx = await signer.sendTransaction({ to: TOKEN, data: hex(encodeCall(['transfer', ADDRS[1]!, '5'])) });
      const r = await tx.wait();
      assert.equal(r?.status, 1);
      await until('the ethers listener', () => seen.length > 0);
      assert.deepEqual(seen, [`transfer ${ADDRS[0]} ${ADDRS[1]} 5`]);
      assert.ok((await provider.getFeeData()).maxPriorityFeePerGas! > 0n);
    } finally {
      provider.destroy();
    }
  });

  it('viem: watchEvent and createBlockFilter over HTTP filters', async () => {
    const client = createPublicClient({ transport: http(url) });
    const logs: Log[] = [];
    const unwatch = client.watchEvent({ address: TOKEN, poll: true, pollingInterval: 100, onLogs: (l) => logs.push(...l) });
    const blocks = await client.createBlockFilter();
    // let the filter exist before the transaction
    await until('the event filter', () => true);
    await new Promise((r) => setTimeout(r, 300));
    await rpc(url, 'eth_sendTransaction', [{ from: ADDRS[1], to: TOKEN, data: hex(encodeCall(['transfer', ADDRS[2]!, '2'])) }]);
    await until('viem watchEvent', () => logs.length > 0);
    unwatch();
    assert.equal(logs[0]!.topics[0], TOPIC_STDOUT);
    assert.equal(text(logs[0]!.data), `transfer ${ADDRS[1]} ${ADDRS[2]} 2`);
    const changes = await client.getFilterChanges({ filter: blocks });
    assert.equal(changes.length, 1);
    assert.equal(changes[0], (await client.getBlock()).hash);
    assert.deepEqual(await client.getFilterChanges({ filter: blocks }), []);
    assert.equal(await client.uninstallFilter({ filter: blocks }), true);
    assert.equal((await rpcRaw(url, 'eth_getFilterChanges', [blocks.id])).error?.message, 'filter not found');
  });

  it('WebSocket on the same port: newHeads and logs through viem, newPendingTransactions through ws', async () => {
    const wsUrl = url.replace('http://', 'ws://');
    const client = createPublicClient({ transport: webSocket(wsUrl, { reconnect: false }) });
    const heads: bigint[] = [];
    const logs: Log[] = [];
    const stopHeads = client.watchBlockNumber({ onBlockNumber: (n) => heads.push(n) });
    const stopLogs = client.watchEvent({ address: TOKEN, onLogs: (l) => logs.push(...l) });
    const raw = new WebSocket(wsUrl);
    const pending: string[] = [];
    await new Promise((r) => raw.once('open', r));
    raw.on('message', (m) => {
      const o = JSON.parse(m.toString()) as { method?: string; params?: { result: string } };
      if (o.method === 'eth_subscription') pending.push(o.params!.result);
    });
    raw.send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'eth_subscribe', params: ['newPendingTransactions'] }));
    await new Promise((r) => setTimeout(r, 500));
    const before = BigInt(await rpc<Hex>(url, 'eth_blockNumber'));
    const hash = await rpc<Hex>(url, 'eth_sendTransaction', [{ from: ADDRS[0], to: TOKEN, data: hex(encodeCall(['transfer', ADDRS[2]!, '1'])) }]);
    await until('newHeads', () => heads.includes(before + 1n));
    await until('logs', () => logs.length > 0);
    await until('newPendingTransactions', () => pending.includes(hash));
    assert.equal(text(logs[0]!.data), `transfer ${ADDRS[0]} ${ADDRS[2]} 1`);
    assert.equal(logs[0]!.transactionHash, hash);
    stopHeads();
    stopLogs();
    raw.close();
    await client.transport.getRpcClient().then((c) => c.close());
  });

  it('cast send --unlocked and cast rpc', () => {
    const out = execFileSync(CAST, ['send', '--unlocked', '--from', ADDRS[2]!, ADDRS[0]!, '--value', '1ether', '--rpc-url', url], { encoding: 'utf8' });
    assert.match(out, /status\s+1 \(success\)/);
    const storage = (() => {
      try {
        execFileSync(CAST, ['storage', TOKEN, '0', '--rpc-url', url], { encoding: 'utf8', stdio: 'pipe' });
        return 'no error';
      } catch (e) {
        return String((e as { stderr: string }).stderr);
      }
    })();
    assert.match(storage, /qvm_getStorage/);
  });

  it('a snapshot/revert fixture, impersonation and setBalance', async () => {
    const head = await rpc<Hex>(url, 'eth_blockNumber');
    const balance0 = await tokenBalance(url, ADDRS[0]!);
    const snap = await rpc<Hex>(url, 'evm_snapshot');
    const stranger = '0x00000000000000000000000000000000000000aa' as Hex;
    await rpc(url, 'anvil_setBalance', [stranger, '0xde0b6b3a7640000']);
    await rpc(url, 'anvil_impersonateAccount', [stranger]);
    const h = await rpc<Hex>(url, 'eth_sendTransaction', [{ from: stranger, to: ADDRS[1], value: '0x1' }]);
    const receipt = await rpc<{ status: Hex; from: Hex }>(url, 'eth_getTransactionReceipt', [h]);
    assert.deepEqual([receipt.status, receipt.from], ['0x1', stranger]);
    await rpc(url, 'eth_sendTransaction', [{ from: ADDRS[0], to: TOKEN, data: hex(encodeCall(['transfer', ADDRS[1]!, '100'])) }]);
    assert.notEqual(await tokenBalance(url, ADDRS[0]!), balance0);
    assert.equal(await rpc(url, 'evm_revert', [snap]), true);
    assert.equal(await rpc(url, 'eth_blockNumber'), head);
    assert.equal(await tokenBalance(url, ADDRS[0]!), balance0);
    assert.equal(await rpc(url, 'eth_getBalance', [stranger, 'latest']), '0x0');
    assert.equal(await rpc(url, 'eth_getTransactionReceipt', [h]), null);
    assert.equal(await rpc(url, 'evm_revert', [snap]), false, 'a snapshot is used once');
    await rpc(url, 'anvil_stopImpersonatingAccount', [stranger]);
    assert.match((await rpcRaw(url, 'eth_sendTransaction', [{ from: stranger, to: ADDRS[1] }])).error!.message, /no key for/);
  });

  it('a time warp changes what time() returns in the next block', async () => {
    const code = readFileSync(PROBE);
    const deploy = await rpc<Hex>(url, 'eth_sendTransaction', [{ from: ADDRS[0], data: hex(encodeDeploy(code, [])) }]);
    const probe = (await rpc<{ contractAddress: Hex }>(url, 'eth_getTransactionReceipt', [deploy])).contractAddress;
    const timeNow = async (): Promise<bigint> => {
      const h = await rpc<Hex>(url, 'eth_sendTransaction', [{ from: ADDRS[0], to: probe, data: hex(encodeCall(['time'])) }]);
      const r = await rpc<{ logs: Array<{ data: Hex }>; blockNumber: Hex }>(url, 'eth_getTransactionReceipt', [h]);
      const block = await rpc<{ timestamp: Hex }>(url, 'eth_getBlockByNumber', [r.blockNumber, false]);
      const t = BigInt(/time=(\d+)/.exec(text(r.logs[0]!.data))![1]!);
      assert.equal(t, BigInt(block.timestamp), 'time() is the block time');
      return t;
    };
    const t0 = await timeNow();
    await rpc(url, 'evm_increaseTime', [86_400]);
    const t1 = await timeNow();
    assert.ok(t1 >= t0 + 86_400n && t1 < t0 + 86_400n + 60n, `${t1} vs ${t0}`);
    await rpc(url, 'evm_setNextBlockTimestamp', [Number(t1 + 1000n)]);
    assert.equal(await timeNow(), t1 + 1000n);
  });

  it('historical eth_call and qvm_getStorage, by number, earliest and EIP-1898 hash', async () => {
    const client = createPublicClient({ transport: http(url) });
    const b1 = await client.getBlock({ blockNumber: 1n });
    const data = hex(encodeCall(['balance', ADDRS[1]!]));
    // the token prints its answer as an event: qvm_call shows it
    const at = async (tag: unknown): Promise<string> => {
      const r = await rpc<{ events: Array<{ data: Hex }> }>(url, 'qvm_call', [{ to: TOKEN, data }, tag]);
      return text(r.events[0]!.data);
    };
    assert.equal(await at('0x1'), `balance ${ADDRS[1]} 0`);
    assert.equal(await at({ blockHash: b1.hash }), `balance ${ADDRS[1]} 0`);
    assert.equal(await at('latest'), `balance ${ADDRS[1]} ${await tokenBalance(url, ADDRS[1]!)}`);
    assert.equal(await tokenBalance(url, ADDRS[1]!, '0x1'), null);
    assert.equal(await tokenBalance(url, ADDRS[1]!, '0x2'), '5');
    // eth_call returns the program's stdout: the protocol lines as printed
    assert.equal(text((await client.call({ to: TOKEN, data, blockNumber: 1n })).data!), `OUT=balance ${ADDRS[1]} 0\n`);
    assert.equal(await client.getBalance({ address: ADDRS[1]!, blockTag: 'earliest' }), 10_000n * 10n ** 18n);
    assert.equal(await client.getBytecode({ address: TOKEN, blockTag: 'earliest' }), undefined);
    assert.match((await rpcRaw(url, 'eth_getBalance', [ADDRS[1], '0xffff'])).error!.message, /does not exist yet/);
  });

  it('by-index and block-receipt queries, notifications get no reply', async () => {
    const b = await rpc<{ hash: Hex; number: Hex; transactions: Hex[] }>(url, 'eth_getBlockByNumber', ['0x2', false]);
    assert.equal(await rpc(url, 'eth_getBlockTransactionCountByHash', [b.hash]), '0x1');
    const byNum = await rpc<{ hash: Hex }>(url, 'eth_getTransactionByBlockNumberAndIndex', ['0x2', '0x0']);
    const byHash = await rpc<{ hash: Hex }>(url, 'eth_getTransactionByBlockHashAndIndex', [b.hash, '0x0']);
    assert.equal(byNum.hash, b.transactions[0]);
    assert.equal(byHash.hash, b.transactions[0]);
    assert.equal(await rpc(url, 'eth_getTransactionByBlockNumberAndIndex', ['0x2', '0x5']), null);
    const receipts = await rpc<Array<{ transactionHash: Hex }>>(url, 'eth_getBlockReceipts', ['0x2']);
    assert.deepEqual(receipts.map((r) => r.transactionHash), b.transactions);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'evm_mine' }) });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    const batch = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ jsonrpc: '2.0', method: 'eth_chainId' }, { jsonrpc: '2.0', id: 3, method: 'eth_chainId' }]) });
    assert.deepEqual(await batch.json(), [{ jsonrpc: '2.0', id: 3, result: '0x539' }]);
  });

  it('mining controls: automine off, pending filter, anvil_mine, anvil_rollback, anvil_reset', async () => {
    await rpc(url, 'evm_setAutomine', [false]);
    assert.equal(await rpc(url, 'anvil_getAutomine'), false);
    const pendingFilter = await rpc<Hex>(url, 'eth_newPendingTransactionFilter');
    const head = Number(await rpc<Hex>(url, 'eth_blockNumber'));
    const h = await rpc<Hex>(url, 'eth_sendTransaction', [{ from: ADDRS[0], to: ADDRS[1], value: '0x7' }]);
    assert.equal(await rpc(url, 'eth_getTransactionReceipt', [h]), null);
    assert.deepEqual(await rpc(url, 'txpool_status'), { pending: '0x1', queued: '0x0' });
    assert.deepEqual(await rpc(url, 'eth_getFilterChanges', [pendingFilter]), [h]);
    await rpc(url, 'anvil_mine', ['0x3']);
    assert.equal(Number(await rpc<Hex>(url, 'eth_blockNumber')), head + 3);
    assert.equal((await rpc<{ blockNumber: Hex }>(url, 'eth_getTransactionReceipt', [h])).blockNumber, `0x${(head + 1).toString(16)}`);
    await rpc(url, 'evm_setAutomine', [true]);
    await rpc(url, 'anvil_rollback', [3]);
    assert.equal(Number(await rpc<Hex>(url, 'eth_blockNumber')), head);
    assert.equal(await rpc(url, 'eth_getTransactionReceipt', [h]), null);
    await rpc(url, 'anvil_reset', []);
    assert.equal(await rpc(url, 'eth_blockNumber'), '0x0');
    assert.equal(await rpc(url, 'eth_getCode', [TOKEN, 'latest']), '0x');
    assert.equal(await rpc(url, 'eth_getBalance', [ADDRS[2], 'latest']), `0x${(10_000n * 10n ** 18n).toString(16)}`);
  });
});
