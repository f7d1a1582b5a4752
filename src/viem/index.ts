/**
 * `qvm/viem`: QVM actions for a viem client (`client.extend(qvmActions())`), for TypeScript dapps:
 * deploy and call contracts (envelopes built here), dry runs, storage reads (at any block), and a
 * receipt with the run's record and its events decoded as text. docs/viem.md has an example.
 */
import type { Account, Chain, Client, Hash, Hex, SendTransactionParameters, TransactionReceipt, Transport } from 'viem';
import { sendTransaction, waitForTransactionReceipt } from 'viem/actions';
import { encodeCall, encodeDeploy } from '../chain/envelope.js';
import type { QvmResult } from '../chain/result-json.js';

export type { QvmResult };

/** A block to read at: a number or a tag (default latest). */
export type BlockSpec = { blockNumber?: bigint; blockTag?: 'latest' | 'earliest' | 'pending' | 'safe' | 'finalized' };

export interface QvmDeployParameters {
  /** The contract: a static ELF. */
  code: Uint8Array;
  /** Constructor arguments (argv after `construct`). */
  args?: ReadonlyArray<string | Uint8Array>;
  account?: Account | Hex;
  value?: bigint;
  gas?: bigint;
}

export interface QvmCallParameters {
  address: Hex;
  /** The program's arguments (argv[1..]). */
  args: ReadonlyArray<string | Uint8Array>;
  /** Storage keys given as DB_<KEY> environment variables. */
  read?: readonly string[];
  stdin?: Uint8Array;
  account?: Account | Hex;
  value?: bigint;
  gas?: bigint;
}

export type QvmDryRunParameters = Omit<QvmCallParameters, 'account' | 'gas'> & BlockSpec & { from?: Hex; gas?: bigint };

/** An event of a run: its topic, its bytes, and the bytes as text (UTF-8, replacement characters where invalid). */
export interface QvmEvent {
  topic0: Hex;
  data: Hex;
  text: string;
}

export interface QvmReceipt {
  receipt: TransactionReceipt;
  /** What the VM did (qvm_traceTransaction). */
  result: QvmResult;
  events: QvmEvent[];
}

export type QvmActions = {
  /** Sends a deploy transaction; returns its hash (then qvmWaitForReceipt: receipt.contractAddress). */
  qvmDeploy(p: QvmDeployParameters): Promise<Hash>;
  /** Sends a call transaction; returns its hash. */
  qvmCall(p: QvmCallParameters): Promise<Hash>;
  /** Runs a call without a transaction (qvm_call): nothing is stored. */
  qvmDryRun(p: QvmDryRunParameters): Promise<QvmResult & { decodedEvents: QvmEvent[] }>;
  /** Storage values as text (null when missing); all keys when `keys` is absent. */
  qvmGetStorage(p: { address: Hex; keys?: readonly string[] } & BlockSpec): Promise<Record<string, string | null>>;
  /** Waits for the receipt and returns it with the run's record and decoded events. */
  qvmWaitForReceipt(p: { hash: Hash; timeout?: number }): Promise<QvmReceipt>;
};

const toHex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;
const text = (h: Hex): string => Buffer.from(h.slice(2), 'hex').toString('utf8');
const decode = (events: QvmResult['events']): QvmEvent[] => events.map((e) => ({ ...e, text: text(e.data) }));
const tagOf = (b: BlockSpec): string => (b.blockNumber !== undefined ? `0x${b.blockNumber.toString(16)}` : (b.blockTag ?? 'latest'));

/** The QVM JSON-RPC methods, untyped in viem's schema: one place casts them. */
type RawRequest = (args: { method: string; params: unknown[] }) => Promise<unknown>;

export function qvmActions() {
  return <T extends Transport, C extends Chain | undefined, A extends Account | undefined>(client: Client<T, C, A>): QvmActions => {
    const request = client.request as unknown as RawRequest;
    const send = (data: Uint8Array, to: Hex | undefined, p: { account?: Account | Hex; value?: bigint; gas?: bigint }): Promise<Hash> =>
      // the client's own chain and account, unless the call names an account (a JSON-RPC account when a plain address)
      sendTransaction(client as Client, {
        account: (p.account ?? client.account ?? null) as Account,
        chain: (client.chain ?? null) as Chain | null,
        data: toHex(data),
        ...(to ? { to } : {}),
        ...(p.value !== undefined ? { value: p.value } : {}),
        ...(p.gas !== undefined ? { gas: p.gas } : {}),
      } as SendTransactionParameters);
    return {
      qvmDeploy: (p) => send(encodeDeploy(p.code, p.args ?? []), undefined, p),
      qvmCall: (p) => send(encodeCall(p.args, p.read ?? [], p.stdin ?? new Uint8Array(0)), p.address, p),
      async qvmDryRun(p) {
        const call = {
          to: p.address,
          data: toHex(encodeCall(p.args, p.read ?? [], p.stdin ?? new Uint8Array(0))),
          ...(p.from ? { from: p.from } : {}),
          ...(p.value !== undefined ? { value: `0x${p.value.toString(16)}` } : {}),
          ...(p.gas !== undefined ? { gas: `0x${p.gas.toString(16)}` } : {}),
        };
        const r = (await request({ method: 'qvm_call', params: [call, tagOf(p)] })) as QvmResult;
        return { ...r, decodedEvents: decode(r.events) };
      },
      async qvmGetStorage(p) {
        const raw = (await request({ method: 'qvm_getStorage', params: [p.address, p.keys ?? null, tagOf(p)] })) as Record<string, Hex | null>;
        return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null ? null : text(v)]));
      },
      async qvmWaitForReceipt(p) {
        const receipt = await waitForTransactionReceipt(client, { hash: p.hash, ...(p.timeout !== undefined ? { timeout: p.timeout } : {}) });
        const result = (await request({ method: 'qvm_traceTransaction', params: [p.hash] })) as QvmResult;
        return { receipt, result, events: decode(result.events) };
      },
    };
  };
}
