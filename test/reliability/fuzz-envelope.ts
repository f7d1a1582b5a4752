/**
 * Transaction and envelope fuzzing: signed transactions of every accepted type (legacy EIP-155,
 * EIP-2930, EIP-1559) carrying QVM deploy and call envelopes, mutated at the RLP level (items
 * replaced by edge values, removed, added, nested) and at the byte level (flips, cuts, length
 * prefixes). decodeTx must accept a mutant or refuse it with a one-line TxError; the envelope of
 * an accepted one must decode or be refused with a one-line EnvelopeError. Anything else thrown
 * would reach the node's RPC as an internal error: it counts as a crash.
 */
import { fromRlp, toRlp, type Hex as ViemHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { decodeEnvelope, decodeTx, encodeCall, encodeDeploy, EnvelopeError, TxError, DEV_KEY_0 } from '../../src/chain/index.js';
import { campaign } from './campaign.js';
import { Rng } from './rng.js';

type Rlp = Uint8Array | Rlp[];

const hex = (b: Uint8Array): ViemHex => `0x${Buffer.from(b).toString('hex')}`;

/** Valid signed transactions to start from. */
export async function fuzzEnvelopeSeeds(): Promise<Uint8Array[]> {
  const account = privateKeyToAccount(DEV_KEY_0);
  const to: ViemHex = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
  const datas = [
    encodeDeploy(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), ['1000']),
    encodeCall(['transfer', '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', '5'], ['BAL_X'], Uint8Array.of(1, 2)),
    new Uint8Array(0),
  ];
  const out: Uint8Array[] = [];
  for (const data of datas) {
    const common = { chainId: 1337, nonce: 7, gas: 3_000_000n, value: 1n, data: hex(data), ...(data.length && data[4] === 1 ? {} : { to }) } as const;
    out.push(Buffer.from((await account.signTransaction({ ...common, type: 'legacy', gasPrice: 1_000_000_000n })).slice(2), 'hex'));
    out.push(Buffer.from((await account.signTransaction({ ...common, type: 'eip2930', gasPrice: 1_000_000_000n, accessList: [{ address: to, storageKeys: [] }] })).slice(2), 'hex'));
    out.push(Buffer.from((await account.signTransaction({ ...common, type: 'eip1559', maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n })).slice(2), 'hex'));
  }
  return out;
}

const EDGE_ITEMS = [
  new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0, 1), Uint8Array.of(0x80), Uint8Array.of(0xff),
  new Uint8Array(20), new Uint8Array(21), new Uint8Array(33).fill(0xff), new Uint8Array(9).fill(1), new Uint8Array(70_000),
];

function mutateTree(node: Rlp, r: Rng, depth = 0): Rlp {
  if (!Array.isArray(node)) {
    if (r.bool(0.5)) return r.pick(EDGE_ITEMS);
    const b = Uint8Array.from(node);
    if (b.length > 0) b[r.int(b.length)] = r.u32() & 0xff;
    return r.bool(0.2) ? [b] : b;
  }
  const items = [...node];
  const op = r.int(5);
  if (op === 0 && items.length > 0) items.splice(r.int(items.length), 1);
  else if (op === 1) items.splice(r.int(items.length + 1), 0, r.pick(EDGE_ITEMS));
  else if (op === 2 && depth < 40) items.push(mutateTree([], r, depth + 1));
  else if (items.length > 0) {
    const i = r.int(items.length);
    items[i] = mutateTree(items[i]!, r, depth + 1);
  }
  return items;
}

/** One mutant of a signed transaction. */
export function mutateTx(raw: Uint8Array, r: Rng): Uint8Array {
  const typed = raw[0]! <= 0x7f;
  const body = typed ? raw.subarray(1) : raw;
  if (r.bool(0.6)) {
    // RLP-level: the fields, and the envelope inside the data field
    let tree = fromRlp(hex(body), 'bytes') as Rlp;
    if (r.bool(0.4) && Array.isArray(tree)) {
      const dataAt = typed ? (raw[0] === 2 ? 7 : 6) : 5;
      const data = tree[dataAt];
      if (data instanceof Uint8Array && data.length > 5) {
        let env = fromRlp(hex(data.subarray(5)), 'bytes') as Rlp;
        env = mutateTree(env, r);
        const head = Uint8Array.from(data.subarray(0, 5));
        if (r.bool(0.2)) head[r.int(5)] = r.u32() & 0xff;
        const copy = [...tree];
        copy[dataAt] = Uint8Array.from([...head, ...Buffer.from(toRlp(env as never, 'hex').slice(2), 'hex')]);
        tree = copy;
      }
    } else tree = mutateTree(tree, r);
    const enc = Buffer.from(toRlp(tree as never, 'hex').slice(2), 'hex');
    return typed ? Uint8Array.from([r.bool(0.9) ? raw[0]! : r.int(256), ...enc]) : Uint8Array.from(enc);
  }
  let b = Uint8Array.from(raw);
  const op = r.int(4);
  if (op === 0) for (let f = 1 + r.int(4); f > 0; f--) b[r.int(b.length)] = r.u32() & 0xff;
  else if (op === 1) b = b.slice(0, r.int(b.length));
  else if (op === 2) {
    const at = r.int(b.length);
    const prefix = r.pick([0xb8, 0xb9, 0xbf, 0xf8, 0xff, 0xc0, 0x80]);
    b = Uint8Array.from([...b.subarray(0, at), prefix, ...r.bytes(r.int(9)), ...b.subarray(at)]);
  }
  else b = Uint8Array.from([...b, ...r.bytes(1 + r.int(16))]);
  return b;
}

export const fuzzEnvelope = campaign(
  'fuzz-envelope',
  'RLP and byte mutants of signed transactions carrying QVM envelopes (decodeTx, decodeEnvelope)',
  { quick: 10_000, full: 100_000 },
  async (t, total, opts) => {
    const base = await fuzzEnvelopeSeeds();
    const r = new Rng(opts.seed);
    for (let k = 0; k < total; k++) {
      const raw = mutateTx(base[k % base.length]!, r);
      t.add('runs');
      try {
        const tx = decodeTx(raw);
        t.add('tx accepted');
        try {
          decodeEnvelope(tx.data);
          t.add('envelope accepted');
        } catch (e) {
          if (!(e instanceof EnvelopeError) || e.message.includes('\n')) throw e;
          t.add('envelope refused');
        }
      } catch (e) {
        if (e instanceof TxError && !e.message.includes('\n')) t.add('tx refused');
        else if (!(e instanceof EnvelopeError)) {
          t.add('crashes');
          t.fail(`mutant ${k} (seed ${opts.seed}) ${hex(raw).slice(0, 120)}: ${(e as Error).stack?.split('\n').slice(0, 2).join(' | ')}`);
        }
      }
      if ((k + 1) % 20_000 === 0) opts.log(`fuzz-envelope: ${k + 1}/${total}`);
    }
    return t.result(['runs', 'tx refused', 'tx accepted', 'envelope refused', 'envelope accepted', 'crashes']);
  },
);
