/**
 * The run's only source of randomness (SPEC §3).
 *
 *   seed    = keccak256(prevBlockHash ‖ txHash)
 *   block_i = keccak256(seed ‖ u64le(i))        i = 0, 1, 2, …
 *   stream  = block_0 ‖ block_1 ‖ …
 *
 * The stream is consumed sequentially by every consumer, in the order of their requests:
 *  1. the machine draws AT_RANDOM first — `kernel.random.next(16)` before the program starts — so
 *     AT_RANDOM is always the first 16 bytes of the stream;
 *  2. then getrandom(2) and reads of /dev/urandom and /dev/random, as the program makes them.
 */
import { keccak_256 } from '@noble/hashes/sha3';

export class DeterministicRandom {
  private readonly seed: Uint8Array;
  private counter = 0n;
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Bytes handed out so far. */
  consumed = 0;

  constructor(prevBlockHash: Uint8Array, txHash: Uint8Array) {
    const input = new Uint8Array(prevBlockHash.length + txHash.length);
    input.set(prevBlockHash, 0);
    input.set(txHash, prevBlockHash.length);
    this.seed = keccak_256(input);
  }

  /** The next n bytes of the stream. */
  next(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.pos >= this.buf.length) this.refill();
      const take = Math.min(n - filled, this.buf.length - this.pos);
      out.set(this.buf.subarray(this.pos, this.pos + take), filled);
      this.pos += take;
      filled += take;
    }
    this.consumed += n;
    return out;
  }

  private refill(): void {
    const input = new Uint8Array(this.seed.length + 8);
    input.set(this.seed, 0);
    let c = this.counter;
    for (let i = 0; i < 8; i++) {
      input[this.seed.length + i] = Number(c & 0xffn);
      c >>= 8n;
    }
    this.counter++;
    this.buf = keccak_256(input);
    this.pos = 0;
  }
}
