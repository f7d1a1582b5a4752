/** Deploys the L1 contracts (Inbox and OutputOracle) from their compiled artifacts. */
import type { Hex } from '../chain/bytes.js';
import { l1Artifact } from './artifacts.js';
import type { L1Sender } from './l1-sender.js';

export const DEFAULT_L2_CHAIN_ID = 1338n;
/** Seconds an output can be challenged (7 days, as optimistic rollups on Ethereum). */
export const DEFAULT_CHALLENGE_PERIOD = 7n * 24n * 3600n;
export const DEFAULT_CHALLENGE_BOND = 10n ** 17n;

export interface L1Deployment {
  inbox: Hex;
  oracle: Hex;
  l2ChainId: bigint;
  proposer: Hex;
}

export async function deployL1(sender: L1Sender, opts: { l2ChainId?: bigint; proposer?: Hex; challengePeriod?: bigint } = {}): Promise<L1Deployment> {
  const l2ChainId = opts.l2ChainId ?? DEFAULT_L2_CHAIN_ID;
  const proposer = (opts.proposer ?? ('0x' + '00'.repeat(20))) as Hex;
  const inboxA = l1Artifact('Inbox');
  const oracleA = l1Artifact('OutputOracle');
  const inbox = await sender.deploy(inboxA.abi, inboxA.bytecode, [l2ChainId]);
  const oracle = await sender.deploy(oracleA.abi, oracleA.bytecode, [proposer, opts.challengePeriod ?? DEFAULT_CHALLENGE_PERIOD, DEFAULT_CHALLENGE_BOND]);
  return { inbox, oracle, l2ChainId, proposer };
}
