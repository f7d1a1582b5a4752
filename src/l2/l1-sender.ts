/**
 * Sends L1 transactions from one key, one at a time (so nonces never race), and waits for their
 * receipts. Shared by the proposer, the batcher and the CLI.
 */
import { createWalletClient, http, type Abi, type PublicClient, type WalletClient } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { Hex } from '../chain/bytes.js';

export class L1Sender {
  readonly account: PrivateKeyAccount;
  private readonly wallet: WalletClient;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly client: PublicClient, url: string, key: Hex) {
    this.account = privateKeyToAccount(key);
    this.wallet = createWalletClient({ account: this.account, transport: http(url, { retryCount: 0, timeout: 60_000 }) });
  }

  /** Calls `fn` of the contract; resolves with the mined receipt (throws if it reverted). */
  send(address: Hex, abi: Abi, functionName: string, args: readonly unknown[], value?: bigint): Promise<{ hash: Hex; status: 'success' | 'reverted'; blockNumber: bigint; logs: ReadonlyArray<{ address: string; topics: readonly Hex[]; data: Hex }> }> {
    const run = async (): Promise<Awaited<ReturnType<L1Sender['send']>>> => {
      const chain = await this.chainOf();
      const hash = await this.wallet.writeContract({ address, abi, functionName, args, value, account: this.account, chain });
      const r = await this.client.waitForTransactionReceipt({ hash, pollingInterval: 100, timeout: 120_000 });
      return { hash, status: r.status, blockNumber: r.blockNumber, logs: r.logs.map((l) => ({ address: l.address, topics: l.topics as Hex[], data: l.data })) };
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Deploys a contract; resolves with its address. */
  async deploy(abi: Abi, bytecode: Hex, args: readonly unknown[]): Promise<Hex> {
    const chain = await this.chainOf();
    const hash = await this.wallet.deployContract({ abi, bytecode, args, account: this.account, chain });
    const r = await this.client.waitForTransactionReceipt({ hash, pollingInterval: 100, timeout: 120_000 });
    if (r.status !== 'success' || !r.contractAddress) throw new Error(`the deployment ${hash} failed`);
    return r.contractAddress.toLowerCase() as Hex;
  }

  private chainId: number | null = null;
  private async chainOf(): Promise<{
    id: number;
    name: string;
    nativeCurrency: { name: string; symbol: string; decimals: number };
    rpcUrls: { default: { http: string[] } };
  }> {
    this.chainId ??= await this.client.getChainId();
    return { id: this.chainId, name: 'L1', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [] } } };
  }
}
