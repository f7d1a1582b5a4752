/**
 * The `qvm/viem` extension against a `qvm node` process: deploy, call, wait for the receipt with
 * decoded events, dry run, storage at a past block; with a local account and with the node's
 * unlocked account; and the package export resolves to it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createWalletClient, defineChain, http, publicActions } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { qvmActions } from '../src/viem/index.js';
import { ADDRS, example, KEYS, startNode, type NodeProc } from './chain-helpers.js';

const skip = example('token-c') ? false : 'token-c not built';

describe('qvm/viem', { skip }, () => {
  let node: NodeProc;
  before(async () => {
    node = await startNode(['--in-memory', '--accounts', '3']);
  });
  after(async () => node?.stop());

  it('is what the package exports', async () => {
    const mod = (await import('qvm/viem' as string)) as { qvmActions: unknown };
    assert.equal(typeof mod.qvmActions, 'function');
  });

  it('deploys, calls, waits with decoded events, dry-runs and reads storage at past blocks', async () => {
    const chain = defineChain({ id: 1337, name: 'qvm', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [node.url] } } });
    const client = createWalletClient({ account: privateKeyToAccount(KEYS[0]!), chain, transport: http(node.url) }).extend(publicActions).extend(qvmActions());
    const deployed = await client.qvmWaitForReceipt({ hash: await client.qvmDeploy({ code: readFileSync(example('token-c')!), args: ['500'] }) });
    assert.equal(deployed.receipt.status, 'success');
    const token = deployed.receipt.contractAddress!;
    assert.deepEqual(deployed.events.map((e) => e.text), [`mint ${ADDRS[0]} 500`]);
    const deployBlock = deployed.receipt.blockNumber;

    const sent = await client.qvmWaitForReceipt({ hash: await client.qvmCall({ address: token, args: ['transfer', ADDRS[1]!, '20'] }) });
    assert.deepEqual(sent.events.map((e) => e.text), [`transfer ${ADDRS[0]} ${ADDRS[1]} 20`]);
    assert.deepEqual(sent.result.writes.map((w) => w.key), [`BAL_${ADDRS[0]}`, `BAL_${ADDRS[1]}`]);
    assert.equal(typeof sent.result.gasUsed, 'number');

    // the node's unlocked account, named by address: eth_sendTransaction
    const viaNode = await client.qvmWaitForReceipt({ hash: await client.qvmCall({ address: token, account: ADDRS[1]!, args: ['transfer', ADDRS[2]!, '5'] }) });
    assert.equal(viaNode.receipt.from, ADDRS[1]);

    const dry = await client.qvmDryRun({ address: token, args: ['balance', ADDRS[1]!] });
    assert.deepEqual(dry.decodedEvents.map((e) => e.text), [`balance ${ADDRS[1]} 15`]);
    const past = await client.qvmDryRun({ address: token, args: ['balance', ADDRS[1]!], blockNumber: deployBlock });
    assert.deepEqual(past.decodedEvents.map((e) => e.text), [`balance ${ADDRS[1]} 0`]);
    assert.deepEqual(await client.qvmGetStorage({ address: token, keys: [`BAL_${ADDRS[1]}`] }), { [`BAL_${ADDRS[1]}`]: '15' });
    assert.deepEqual(await client.qvmGetStorage({ address: token, keys: [`BAL_${ADDRS[1]}`], blockNumber: deployBlock }), { [`BAL_${ADDRS[1]}`]: null });
    const failed = await client.qvmDryRun({ address: token, args: ['transfer', ADDRS[2]!, '99999'] });
    assert.equal(failed.status, 'failure');
    assert.match(failed.decodedEvents[0]!.text, /insufficient funds/);
  });
});
