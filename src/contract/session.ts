/**
 * The contract side of one running call (call.ts runs it): what the program sees of the storage
 * (/qvm/db, mounted as a kernel provider: read lazily, metered, every key recorded) and what it
 * prints (the stdout protocol, parsed as it is written, each instruction charged at once; the run
 * is ended at the first malformed one).
 */
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex } from '@noble/hashes/utils';
import { mountProvider, type Kernel, type ProvidedEntry } from '../kernel/index.js';
import { eventGas, GAS_STORAGE_DELETE, storageReadGas, storageWriteGas } from './gas.js';
import { type Instruction, isValidKey, ProtocolError, ProtocolParser, type ProtocolLimits } from './protocol.js';

/** A storage value: bytes, or a string (stored as its UTF-8 bytes). */
export type StorageValue = Uint8Array | string;

/**
 * The contract's storage before the call, read-only. A `Map<string, StorageValue>` is one; a
 * chain passes a view of its database.
 */
export interface StorageView {
  get(key: string): StorageValue | undefined;
  /** Every key (listing /qvm/db/); any order. */
  keys(): Iterable<string>;
}

export type StorageOp = { op: 'write'; key: string; value: Uint8Array } | { op: 'delete'; key: string };

/** A log. topic0 = keccak256("QVM_CONTRACT_STDOUT") for OUT lines, keccak256("QVM_CONTRACT_STDERR") for a failure. */
export interface ContractEvent {
  /** 0x + 64 lowercase hex digits. */
  topic0: string;
  data: Uint8Array;
}

// (no Buffer here: the engine also runs in browsers)
export const TOPIC_STDOUT = '0x' + bytesToHex(keccak_256('QVM_CONTRACT_STDOUT'));
export const TOPIC_STDERR = '0x' + bytesToHex(keccak_256('QVM_CONTRACT_STDERR'));

/** The storage key a successful construct sets to "true" (reserved: a contract cannot write it). */
export const INITIALIZED_KEY = 'QVM_INITIALIZED';

/** Where the storage is shown to the program. */
const DB_DIR = '/qvm/db';

const te = new TextEncoder();

export function bytesOf(v: StorageValue): Uint8Array {
  return typeof v === 'string' ? te.encode(v) : v;
}

export class CallSession {
  /** Storage writes and deletes in the order printed. */
  readonly ops: StorageOp[] = [];
  /** OUT events in the order printed. */
  readonly events: ContractEvent[] = [];
  /** Gas of instructions completed after the program ended (the final unterminated line). */
  lateGas = 0;
  private kernel: Kernel | null = null;
  private readonly parser: ProtocolParser;
  private readonly readSet: Set<string>;
  private storageKeys: string[] | null = null;

  /**
   * `reads`: the keys read so far (the environment's), extended in first-seen order as the
   * program looks keys up. `preGas`: charged when the program starts (declared reads, code).
   */
  constructor(
    private readonly storage: StorageView | undefined,
    private readonly reads: string[],
    private readonly preGas: number,
    limits: Pick<ProtocolLimits, 'maxWrites' | 'maxEvents'>,
  ) {
    this.readSet = new Set(reads);
    this.parser = new ProtocolParser((ins) => this.apply(ins), { maxWrites: limits.maxWrites, maxEvents: limits.maxEvents });
  }

  /** RunOptions.configureKernel: charge the pre-paid gas, mount /qvm/db, listen to stdout. */
  attach(k: Kernel): void {
    this.kernel = k;
    this.chargeKernel(k, this.preGas);
    mountProvider(k, DB_DIR, 0o555, {
      list: () => this.keys(),
      lookup: (key) => this.lookup(k, key),
    });
    k.onOutput = (which, data) => {
      const parser = this.parser;
      if (which !== 1 || parser.failed) return;
      parser.push(data);
      if (parser.error) k.end('protocol', `protocol error: ${parser.error.message}`);
    };
  }

  /** The program has ended: what is charged from now on is late gas. */
  detach(): void {
    this.kernel = null;
  }

  /** After a normal exit: complete the final unterminated line; the protocol failure, or null. */
  finish(): string | null {
    this.parser.end();
    return this.parser.error ? `protocol error: ${this.parser.error.message}` : null;
  }

  private keys(): string[] {
    this.storageKeys ??= this.storage ? [...this.storage.keys()].filter(isValidKey) : [];
    return this.storageKeys;
  }

  /** A lookup in /qvm/db: recorded as a read and charged, whether the key exists or not. */
  private lookup(k: Kernel, key: string): ProvidedEntry | null {
    if (!isValidKey(key)) return null;
    if (!this.readSet.has(key)) {
      this.readSet.add(key);
      this.reads.push(key);
    }
    const v = this.storage?.get(key);
    const bytes = v === undefined ? null : bytesOf(v);
    this.chargeKernel(k, storageReadGas(bytes ? bytes.length : 0));
    return bytes ? { type: 'file', mode: 0o444, bytes } : null;
  }

  private apply(ins: Instruction): void {
    switch (ins.op) {
      case 'write':
        reserved(ins.key, ins.line);
        this.charge(storageWriteGas(ins.key.length, ins.value.length));
        this.ops.push({ op: 'write', key: ins.key, value: ins.value });
        break;
      case 'delete':
        reserved(ins.key, ins.line);
        this.charge(GAS_STORAGE_DELETE);
        this.ops.push({ op: 'delete', key: ins.key });
        break;
      case 'event':
        this.charge(eventGas(ins.data.length));
        this.events.push({ topic0: TOPIC_STDOUT, data: ins.data });
        break;
    }
  }

  private charge(gas: number): void {
    if (this.kernel) this.chargeKernel(this.kernel, gas);
    else this.lateGas += gas;
  }

  /** Gas the contract layer adds to the run's meter (shown apart in profiles). */
  private chargeKernel(k: Kernel, gas: number): void {
    k.gas += gas;
    k.gasExternal += gas;
  }
}

function reserved(key: string, line: number): void {
  if (key === INITIALIZED_KEY) throw new ProtocolError(line, `key ${INITIALIZED_KEY} is reserved (set by QVM after a successful construct)`);
}
