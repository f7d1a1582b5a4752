/** Development accounts: the well-known test mnemonic, BIP-32 path m/44'/60'/0'/0/i (as anvil and hardhat). */
import { mnemonicToAccount } from 'viem/accounts';
import { toHex, type Hex } from './bytes.js';

export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
/** 10000 ether each. */
export const DEV_BALANCE = 10_000n * 10n ** 18n;

export interface DevAccount {
  address: Hex;
  privateKey: Hex;
}

/** The first account's key (the default `--key` of the CLI); derived, cached. */
export const DEV_KEY_0: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export function devAccounts(count = 10, mnemonic = DEV_MNEMONIC): DevAccount[] {
  const out: DevAccount[] = [];
  for (let i = 0; i < count; i++) {
    const a = mnemonicToAccount(mnemonic, { addressIndex: i });
    const key = a.getHdKey().privateKey;
    if (!key) throw new Error('cannot derive a development key');
    out.push({ address: a.address.toLowerCase() as Hex, privateKey: toHex(key) });
  }
  return out;
}
