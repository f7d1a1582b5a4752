/**
 * The compiled L1 contracts (contracts/l1/build/*.json, written by scripts/l1-contracts.ts from the
 * Solidity sources with the pinned solc): ABI and creation bytecode.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Abi } from 'viem';
import type { Hex } from '../chain/bytes.js';

export interface L1ContractArtifact {
  contractName: string;
  abi: Abi;
  bytecode: Hex;
}

/** contracts/l1/build, from dist/src/l2 or src/l2. */
const BUILD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []), 'contracts', 'l1', 'build');

const cache = new Map<string, L1ContractArtifact>();

export function l1Artifact(name: 'Inbox' | 'OutputOracle'): L1ContractArtifact {
  let a = cache.get(name);
  if (!a) {
    try {
      a = JSON.parse(readFileSync(join(BUILD_DIR, `${name}.json`), 'utf8')) as L1ContractArtifact;
    } catch (e) {
      throw new Error(`cannot read the ${name} artifact in ${BUILD_DIR} (run \`npm run build\`): ${(e as Error).message}`, { cause: e });
    }
    cache.set(name, a);
  }
  return a;
}
