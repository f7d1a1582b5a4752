/**
 * The CLI's argument values, one parser per kind, shared by every command: addresses, hashes and
 * keys, integers and gas, amounts with units, KEY=VALUE pairs and storage keys. Each parser
 * returns a commander option parser that throws InvalidArgumentError with a one-line reason
 * (commander prints it as `option '--x <v>' argument 'v' is invalid. <reason>`); `check`
 * applies one to a value found elsewhere (a positional, an option after the arguments).
 * Also the inputs given as files: `readFile` (`-` = standard input) and `stdinBytes`, the
 * program's standard input.
 */
import { InvalidArgumentError } from 'commander';
import { fstatSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { isAddress } from 'viem';
import type { Hex } from '../chain/bytes.js';
import { isValidKey } from '../contract/protocol.js';
import { parseAmount } from './units.js';
import { die, fatal } from './io.js';

export type Parser<T> = (v: string) => T;

/** An address: 0x + 40 hex digits; mixed case must be a valid EIP-55 checksum (as cast and viem). Lowercased. */
export function addressArg(name: string): Parser<Hex> {
  return (v) => {
    if (isAddress(v, { strict: false })) {
      if (!isAddress(v)) throw new InvalidArgumentError(`${name} has a wrong EIP-55 checksum (write it all lowercase to skip the check)`);
      return v.toLowerCase() as Hex;
    }
    throw new InvalidArgumentError(`${name} must be 0x followed by 40 hex digits`);
  };
}

/** 32 bytes as 0x + 64 hex digits (a transaction or block hash); lowercased. */
export function hashArg(name: string): Parser<Hex> {
  return (v) => {
    if (!/^0x[0-9a-fA-F]{64}$/.test(v)) throw new InvalidArgumentError(`${name} must be 0x followed by 64 hex digits`);
    return v.toLowerCase() as Hex;
  };
}

/** 32 bytes of hex, 0x optional, as bytes (the block context hashes of `qvm run`). */
export function bytes32Arg(name: string): Parser<Uint8Array> {
  return (v) => {
    const hex = v.startsWith('0x') ? v.slice(2) : v;
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new InvalidArgumentError(`${name} must be 32 bytes of hex (64 digits)`);
    return Uint8Array.from(Buffer.from(hex, 'hex'));
  };
}

/** A secp256k1 private key: 32 bytes of hex, 0x optional. */
export const privateKeyArg: Parser<Hex> = (v) => {
  const k = v.startsWith('0x') ? v : '0x' + v;
  if (!/^0x[0-9a-fA-F]{64}$/.test(k)) throw new InvalidArgumentError('the key must be 32 bytes of hex');
  return k.toLowerCase() as Hex;
};

/** A non-negative integer, decimal or 0x-hex (block numbers, chain ids, timestamps). */
export function bigintArg(name: string): Parser<bigint> {
  return (v) => {
    if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return BigInt(v);
  };
}

/** A non-negative decimal integer that fits a JavaScript number (ports, counts, milliseconds). */
export function intArg(name: string): Parser<number> {
  return (v) => {
    if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return Number(v);
  };
}

/** A TCP port, 0 (any free port) to 65535. */
export const portArg: Parser<number> = (v) => {
  if (!/^[0-9]+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('port must be 0 (any free port) to 65535');
  return Number(v);
};

/** A gas limit of a local run: a positive integer below 2^53. */
export const gasArg: Parser<number> = (v) => {
  if (!/^[0-9]+$/.test(v)) throw new InvalidArgumentError('gas must be a positive integer');
  const n = Number(v);
  if (n <= 0 || !Number.isSafeInteger(n)) throw new InvalidArgumentError('gas must be a positive integer below 2^53');
  return n;
};

/** An amount in wei, or with a unit: 1000, 1ether, 2.5gwei, 0x10 (units.ts). */
export const amountArg: Parser<bigint> = (v) => {
  try {
    return parseAmount(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

/** Collects a repeatable option's values. */
export function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** Collects comma-separated lists (`--read A,B --read C`), dropping empty names. */
export function collectList(v: string, prev: string[]): string[] {
  return [...prev, ...v.split(',').filter((k) => k !== '')];
}

/** Storage keys of --read: each must be a valid key, else a one-line error. */
export function storageKeys(option: string, lists: readonly string[]): string[] {
  const keys: string[] = [];
  for (const list of lists) {
    for (const k of list.split(',')) {
      if (k.length === 0) continue;
      if (!isValidKey(k)) die(`${option}: invalid key "${k}" (keys are 1-128 bytes of [A-Za-z0-9_])`);
      keys.push(k);
    }
  }
  return keys;
}

/** `v` through `parse`, or the one-line error commander would give for option `option`. */
export function check<T>(option: string, v: string, parse: Parser<T>): T {
  try {
    return parse(v);
  } catch (e) {
    if (e instanceof InvalidArgumentError) die(`option '${option}' argument '${v}' is invalid. ${e.message}`);
    throw e;
  }
}

// ------------------------------------------------------------------------------ files

/** Why a file cannot be read, in a few words. */
function readFailure(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'is a directory';
    case 'EACCES': return 'permission denied';
    default: return err.message;
  }
}

/** A file's bytes (`-`: standard input); throws a UserError with a one-line reason. */
export function readFileOrThrow(path: string): Uint8Array {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${readFailure(e as NodeJS.ErrnoException)}`, { code: 'READ_FILE', cause: e });
  }
}

/** A file's bytes (`-`: standard input), or die with a one-line reason. */
export function readFile(path: string): Uint8Array {
  try {
    return readFileOrThrow(path);
  } catch (e) {
    return fatal(e);
  }
}

/**
 * The program's standard input for `qvm run` and the chain clients: `--stdin FILE` (`-` = this
 * process's stdin), `--no-stdin` (empty), or — with neither — this process's stdin when it is a
 * file, a pipe or a socket, as when the program is run directly (a terminal or /dev/null gives
 * nothing; a pipe that is never closed waits, as the program itself would). `spec`: the --stdin
 * value, false for --no-stdin, undefined for neither; `auto`: false to give nothing for neither.
 */
export function stdinBytes(spec: string | false | undefined, auto = true): Uint8Array | undefined {
  if (spec === false) return new Uint8Array(0);
  if (spec === '-') return readFileSync(0);
  if (spec !== undefined) return readFile(spec);
  if (!auto) return undefined;
  let st;
  try {
    st = fstatSync(0);
  } catch {
    return undefined; // no stdin at all
  }
  // a socket is what a parent process's pipe is in Node (and in many shells' process substitution)
  return st.isFIFO() || st.isFile() || st.isSocket() ? readFileSync(0) : undefined;
}
