/**
 * Reading L1 (Ethereum JSON-RPC, viem): block headers and the Inbox's Message logs.
 */
import { createPublicClient, http, parseAbiItem, webSocket, type PublicClient } from 'viem';
import { fromHex, type Hex } from '../chain/bytes.js';

export const MESSAGE_EVENT = parseAbiItem('event Message(uint64 indexed seq, bytes32 acc, bytes message)');
export const OUTPUT_EVENT = parseAbiItem('event OutputProposed(uint256 indexed index, uint64 indexed l2Block, bytes32 stateRoot, bytes32 l1Hash, uint64 l1Number, address proposer)');

export interface L1Block {
  number: number;
  hash: Hex;
  parentHash: Hex;
  timestamp: bigint;
}

export interface L1Message {
  seq: number;
  acc: Hex;
  message: Uint8Array;
  blockNumber: number;
  blockHash: Hex;
  logIndex: number;
}

export interface PostedOutput {
  index: number;
  l2Block: number;
  stateRoot: Hex;
  l1Hash: Hex;
  l1Number: number;
  proposer: Hex;
  postedInL1Block: number;
}

/** An L1 client: http(s) polling, or a websocket when the URL is ws(s)://. */
export function l1Client(url: string): PublicClient {
  const transport = /^wss?:/.test(url) ? webSocket(url, { retryCount: 2 }) : http(url, { retryCount: 2, timeout: 30_000 });
  return createPublicClient({ transport, cacheTime: 0 });
}

export class L1Reader {
  constructor(readonly client: PublicClient) {}

  async head(): Promise<number> {
    return Number(await this.client.getBlockNumber({ cacheTime: 0 }));
  }

  /** The canonical block `n`, or null when L1 has no such block (e.g. after a reorg to a shorter chain). */
  async block(n: number): Promise<L1Block | null> {
    try {
      const b = await this.client.getBlock({ blockNumber: BigInt(n) });
      return { number: Number(b.number), hash: b.hash.toLowerCase() as Hex, parentHash: b.parentHash.toLowerCase() as Hex, timestamp: b.timestamp };
    } catch (e) {
      if ((e as Error).name === 'BlockNotFoundError') return null;
      throw e;
    }
  }

  /** The Inbox's messages in blocks [from, to], in L1 order. */
  async messages(inbox: Hex, from: number, to: number): Promise<L1Message[]> {
    const logs = await this.client.getLogs({ address: inbox, event: MESSAGE_EVENT, fromBlock: BigInt(from), toBlock: BigInt(to), strict: true });
    const out = logs.map((l) => ({
      seq: Number(l.args.seq),
      acc: l.args.acc.toLowerCase() as Hex,
      message: fromHex(l.args.message),
      blockNumber: Number(l.blockNumber),
      blockHash: l.blockHash.toLowerCase() as Hex,
      logIndex: l.logIndex,
    }));
    return out.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  }

  async outputs(oracle: Hex, from: number, to: number): Promise<PostedOutput[]> {
    const logs = await this.client.getLogs({ address: oracle, event: OUTPUT_EVENT, fromBlock: BigInt(from), toBlock: BigInt(to), strict: true });
    return logs.map((l) => ({
      index: Number(l.args.index),
      l2Block: Number(l.args.l2Block),
      stateRoot: l.args.stateRoot.toLowerCase() as Hex,
      l1Hash: l.args.l1Hash.toLowerCase() as Hex,
      l1Number: Number(l.args.l1Number),
      proposer: l.args.proposer.toLowerCase() as Hex,
      postedInL1Block: Number(l.blockNumber),
    }));
  }
}
