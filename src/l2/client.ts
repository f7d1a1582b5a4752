/**
 * Submitting to L2 through the L1 Inbox (what `qvm deploy|call|deposit --l1 --inbox` do): code too
 * large for one L1 transaction goes up in chunks, and the L2 address of a deployed contract comes
 * from the Inbox message alone.
 */
import { decodeEventLog } from 'viem';
import { keccak, toHex, type Hex } from '../chain/bytes.js';
import { encodeCall, encodeDeploy } from '../chain/envelope.js';
import { l1Artifact } from './artifacts.js';
import { MESSAGE_EVENT } from './l1.js';
import type { L1Sender } from './l1-sender.js';
import { encodeArgs, l1DeployAddress } from './messages.js';

/** Code whose deploy envelope is above this goes up in chunks of this size. */
export const CHUNK_BYTES = 96 * 1024;
/** VM gas of an L1 message when none is given: the L2 block gas limit. */
export const DEFAULT_L1_MESSAGE_GAS = 1_000_000_000n;

export interface InboxReceipt {
  l1TransactionHash: Hex;
  l1BlockNumber: number;
  /** The message's sequence number. */
  seq: number;
  /** The L2 transaction hash: the accumulator after the message. */
  l2TransactionHash: Hex;
}

function messageOf(r: Awaited<ReturnType<L1Sender['send']>>, inbox: Hex): InboxReceipt {
  if (r.status !== 'success') throw new Error(`the L1 transaction ${r.hash} reverted`);
  for (const l of r.logs) {
    if (l.address.toLowerCase() !== inbox.toLowerCase()) continue;
    const ev = decodeEventLog({ abi: [MESSAGE_EVENT], data: l.data, topics: l.topics as [Hex, ...Hex[]] });
    return { l1TransactionHash: r.hash, l1BlockNumber: Number(r.blockNumber), seq: Number(ev.args.seq), l2TransactionHash: ev.args.acc.toLowerCase() as Hex };
  }
  throw new Error(`the L1 transaction ${r.hash} emitted no Inbox message`);
}

export class InboxClient {
  private readonly abi = l1Artifact('Inbox').abi;

  constructor(readonly sender: L1Sender, readonly inbox: Hex) {}

  private async send(fn: string, args: readonly unknown[], value?: bigint): Promise<InboxReceipt> {
    return messageOf(await this.sender.send(this.inbox, this.abi, fn, args, value), this.inbox);
  }

  deposit(value: bigint): Promise<InboxReceipt> {
    return this.send('deposit', [], value);
  }

  call(to: Hex, args: ReadonlyArray<string>, readKeys: readonly string[], stdin: Uint8Array, gas = DEFAULT_L1_MESSAGE_GAS): Promise<InboxReceipt> {
    return this.send('call', [to, toHex(encodeCall(args, readKeys, stdin)), gas]);
  }

  /** Sends raw bytes as a call envelope (tests of malformed messages). */
  callRaw(to: Hex, envelope: Uint8Array, gas = DEFAULT_L1_MESSAGE_GAS): Promise<InboxReceipt> {
    return this.send('call', [to, toHex(envelope), gas]);
  }

  deployRaw(envelope: Uint8Array, gas = DEFAULT_L1_MESSAGE_GAS): Promise<InboxReceipt> {
    return this.send('deploy', [toHex(envelope), gas]);
  }

  submitBatch(batch: Uint8Array): Promise<InboxReceipt> {
    return this.send('submitBatch', [toHex(batch)]);
  }

  uploadChunk(codeHash: Hex, index: number, total: number, data: Uint8Array): Promise<InboxReceipt> {
    return this.send('uploadChunk', [codeHash, index, total, toHex(data)]);
  }

  /** Deploys code uploaded in chunks; `rlpArgs` should be an RLP list of the constructor's arguments. */
  deployCode(codeHash: Hex, rlpArgs: Uint8Array, gas = DEFAULT_L1_MESSAGE_GAS): Promise<InboxReceipt> {
    return this.send('deployCode', [codeHash, toHex(rlpArgs), gas]);
  }

  /**
   * Deploys `code` on L2: in one message when it fits, else in chunks then a deployCode message.
   * `progress(done, total)` is told the bytes uploaded so far.
   */
  async deploy(
    code: Uint8Array,
    args: readonly string[],
    gas = DEFAULT_L1_MESSAGE_GAS,
    progress?: (done: number, total: number) => void,
  ): Promise<InboxReceipt & { contractAddress: Hex; chunks: number }> {
    const envelope = encodeDeploy(code, args);
    let r: InboxReceipt;
    let chunks = 0;
    if (envelope.length <= CHUNK_BYTES) r = await this.deployRaw(envelope, gas);
    else {
      const codeHash = toHex(keccak(code));
      chunks = Math.ceil(code.length / CHUNK_BYTES);
      progress?.(0, code.length);
      for (let i = 0; i < chunks; i++) {
        await this.uploadChunk(codeHash, i, chunks, code.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
        progress?.(Math.min(code.length, (i + 1) * CHUNK_BYTES), code.length);
      }
      r = await this.deployCode(codeHash, encodeArgs(args), gas);
    }
    return { ...r, contractAddress: l1DeployAddress(this.sender.account.address.toLowerCase() as Hex, BigInt(r.seq)), chunks };
  }
}
