/**
 * Compiles the L1 contracts (contracts/l1/*.sol) with the pinned solc npm package and writes their
 * artifacts (ABI, creation bytecode, keccak256 of the source) to contracts/l1/build/. Run by
 * `npm run build`; test/l2-contracts.test.ts recompiles and checks the artifacts match the source.
 *
 *   node dist/scripts/l1-contracts.js          # writes the artifacts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keccak256, toHex } from 'viem';

export const L1_CONTRACTS = ['Inbox', 'OutputOracle'] as const;
export const L1_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'contracts', 'l1');

export interface L1Artifact {
  contractName: string;
  solc: string;
  sourceKeccak: `0x${string}`;
  abi: unknown[];
  bytecode: `0x${string}`;
}

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

/** Compiles every L1 contract; throws with solc's messages on an error. */
export function compileL1(): L1Artifact[] {
  const require = createRequire(import.meta.url);
  const solc = require('solc') as { compile(input: string): string; version(): string };
  const sources: Record<string, { content: string }> = {};
  for (const name of L1_CONTRACTS) sources[`${name}.sol`] = { content: readFileSync(join(L1_DIR, `${name}.sol`), 'utf8') };
  const out = JSON.parse(solc.compile(JSON.stringify({
    language: 'Solidity',
    sources,
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  }))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  return L1_CONTRACTS.map((name) => {
    const c = out.contracts[`${name}.sol`]![name]!;
    return {
      contractName: name,
      solc: solc.version(),
      sourceKeccak: keccak256(toHex(sources[`${name}.sol`]!.content)),
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
    };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(join(L1_DIR, 'build'), { recursive: true });
  for (const a of compileL1()) writeFileSync(join(L1_DIR, 'build', `${a.contractName}.json`), JSON.stringify(a, null, 2) + '\n');
  process.stdout.write(`L1 contracts compiled into ${join(L1_DIR, 'build')}\n`);
}
