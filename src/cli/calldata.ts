/**
 * `qvm calldata deploy ELF [args…]` and `qvm calldata call [args…] [--read K,…] [--stdin F]`: the
 * envelope a transaction's `data` carries (docs/chain.md), as 0x-hex on stdout, for cast, viem,
 * ethers or any other Ethereum tool (`cast send --create $(qvm calldata deploy ./c)`).
 */
import { Command } from 'commander';
import { encodeCall, encodeDeploy } from '../chain/envelope.js';
import { collectList, readFile, stdinBytes, storageKeys } from './args.js';


const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}\n`;

export function registerCalldataCommands(program: Command): void {
  const cmd = program.command('calldata').description('print the call data (QVM envelope, hex) of a deploy or call, for other Ethereum tools');
  cmd
    .command('deploy')
    .description('the data of a deploy transaction (to: empty)')
    .argument('<elf>', 'the contract binary')
    .argument('[args...]', 'constructor arguments')
    .action((elf: string, args: string[]) => {
      process.stdout.write(hex(encodeDeploy(readFile(elf), args)));
    });
  cmd
    .command('call')
    .description('the data of a call transaction (to: the contract)')
    .argument('[args...]', 'arguments')
    .option('--read <K1,K2>', 'storage keys given as DB_<KEY> variables', collectList, [] as string[])
    .option('--stdin <file>', 'file whose bytes are the call\'s standard input (- = this command\'s)')
    .action((args: string[], flags: { read: string[]; stdin?: string }) => {
      const keys = storageKeys('--read', flags.read);
      process.stdout.write(hex(encodeCall(args, keys, stdinBytes(flags.stdin, false) ?? new Uint8Array(0))));
    });
}
