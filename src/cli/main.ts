#!/usr/bin/env node
/**
 * The `qvm` command line. Output for people by default, `--json` for scripts; bad input gives a
 * one-line error and a non-zero exit, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { runElf, DEFAULT_BLOCK, setTranslatorMode, type TranslatorMode } from '../machine/run.js';
import { applyMounts, parseMount } from './mount.js';
import type { Kernel } from '../kernel/index.js';
import { parseElf, describeElf, ElfError } from '../elf/parse.js';
import type { BlockContext, RunResult } from '../machine/types.js';
import { addressArg, amountArg, bigintArg, bytes32Arg, collect, gasArg, readFile, stdinBytes } from './args.js';
import { contractMode, runContractCli, takeTrailingOptions, type RunFlags } from './contract.js';
import { registerChainCommands } from './chain.js';
import { profileFormatOf, writeProfile } from './profile.js';
import { registerCalldataCommands } from './calldata.js';
import { registerNewCommand } from './new.js';
import { die, fatal, setVerbose } from './io.js';

function toText(b: Uint8Array): string {
  return Buffer.from(b).toString('utf8');
}

function resultJson(r: RunResult): Record<string, unknown> {
  const valid = (b: Uint8Array): boolean => Buffer.from(toText(b), 'utf8').equals(Buffer.from(b));
  return {
    outcome: r.outcome,
    exitCode: r.exitCode,
    signal: r.signal,
    reason: r.reason,
    stdout: toText(r.stdout),
    ...(valid(r.stdout) ? {} : { stdoutBase64: Buffer.from(r.stdout).toString('base64') }),
    stderr: toText(r.stderr),
    ...(valid(r.stderr) ? {} : { stderrBase64: Buffer.from(r.stderr).toString('base64') }),
    gasUsed: r.gasUsed,
    instructions: r.instructions,
    syscalls: r.syscalls,
    unknownSyscalls: r.unknownSyscalls,
    ...(r.trace.length ? { trace: r.trace } : {}),
  };
}

const TRANSLATOR_MODES: readonly TranslatorMode[] = ['wasm', 'js', 'off', 'force'];

/** --jit: this thread's translator, and the environment the node's worker threads read at start. */
function applyTranslatorMode(mode: string): void {
  if (!(TRANSLATOR_MODES as readonly string[]).includes(mode)) die(`--jit ${mode}: expected one of ${TRANSLATOR_MODES.join(', ')}`);
  const m = mode as TranslatorMode;
  setTranslatorMode(m);
  process.env.QVM_JIT = m === 'off' ? 'off' : m === 'js' ? 'js' : 'wasm';
  process.env.QVM_JIT_FORCE = m === 'force' ? '1' : '0';
}

const program = new Command();
program
  .name('qvm')
  .description('QVM: run statically linked Linux ELF binaries as deterministic smart contracts')
  .version('0.1.0')
  .option('--verbose', 'on an internal error, print its stack and causes (also QVM_VERBOSE=1)')
  .option('--jit <mode>', 'what runs guest code: wasm (default), js, off (interpreter only), force (wasm from the first instruction); results and gas are the same')
  .option('--no-jit', 'the same as --jit off')
  .hook('preAction', () => {
    const opts = program.opts<{ verbose?: boolean; jit?: string | boolean }>();
    if (opts.verbose) setVerbose(true);
    if (opts.jit !== undefined && opts.jit !== true) applyTranslatorMode(opts.jit === false ? 'off' : opts.jit);
  })
  .enablePositionalOptions()
  .configureOutput({ outputError: (str, write) => write(`qvm: ${str.split('\n')[0]!.replace(/^error: /, '')}\n`) })
  .exitOverride();

program
  .command('run')
  .description('run a static x86-64 ELF once, deterministically, and exit with its status')
  .argument('<elf>', 'path to the static ELF binary')
  .argument('[args...]', 'arguments passed to the program (argv[1..])')
  .option('--json', 'print a JSON result instead of forwarding output')
  .option('--env <K=V>', 'set an environment variable (repeatable; nothing comes from the host)', collect, [])
  .option('--stdin <file>', 'file whose bytes are the program\'s standard input (- = this command\'s; default: this command\'s stdin when it is a file or a pipe)')
  .option('--no-stdin', 'give the program an empty standard input')
  .option('--gas <n>', 'gas limit', gasArg)
  .option('--block-number <n>', 'block number', bigintArg('block number'))
  .option('--block-timestamp <seconds>', 'block timestamp (CLOCK_REALTIME starts here)', bigintArg('block timestamp'))
  .option('--prev-block-hash <hex>', 'previous block hash (seeds randomness)', bytes32Arg('previous block hash'))
  .option('--tx-hash <hex>', 'transaction hash (seeds randomness)', bytes32Arg('transaction hash'))
  .option('--chain-id <n>', 'chain id', bigintArg('chain id'))
  .option('--trace', 'print one line per system call to stderr')
  .option('--no-cache', 'do not keep the parsed program, its pristine image and decoded code for later runs (results are the same)')
  .option('--argv0 <name>', 'argv[0] seen by the program', 'contract')
  .option('--mount <HOSTDIR:GUESTDIR>', 'local runs: show a host directory read-only in the guest (repeatable)', collect, [])
  .option('--cwd <dir>', 'local runs: the program\'s working directory (default /)')
  .option('--profile <file>', 'write the gas profile (per function and call stack) to FILE')
  .option('--profile-format <format>', 'profile format: speedscope (JSON, default) or folded')
  .option('--contract', 'contract mode: run with the contract ABI (implied by the options below)')
  .option('--db <K=V>', 'contract mode: a storage slot before the call (repeatable)', collect, [])
  .option('--read <K1,K2>', 'contract mode: storage keys given as DB_<KEY> environment variables', collect, [])
  .option('--sender <address>', 'contract mode: the caller (QVM_SENDER)', addressArg('sender'))
  .option('--address <address>', 'contract mode: the contract\'s address (QVM_CONTRACT)', addressArg('contract address'))
  .option('--value <amount>', 'contract mode: value sent with the call (QVM_VALUE): wei, or with a unit (1ether, 2.5gwei)', amountArg)
  .option('--construct', 'contract mode: deploy, i.e. run the constructor (argv: contract construct [args…])')
  .option('--state <file>', 'contract mode: JSON file holding the contract\'s storage between runs')
  .passThroughOptions()
  .action((elf: string, rawArgs: string[], flags: RunFlags) => {
    const args = takeTrailingOptions(rawArgs, flags);
    if (contractMode(flags)) {
      runContractCli(elf, args, flags);
      return;
    }
    const bytes = readFile(elf);
    profileFormatOf(flags);
    for (const e of flags.env) if (!e.includes('=')) die(`--env expects KEY=VALUE, got "${e}"`);
    const block: BlockContext = {
      number: flags.blockNumber ?? DEFAULT_BLOCK.number,
      timestamp: flags.blockTimestamp ?? DEFAULT_BLOCK.timestamp,
      prevBlockHash: flags.prevBlockHash ?? DEFAULT_BLOCK.prevBlockHash,
      txHash: flags.txHash ?? DEFAULT_BLOCK.txHash,
      chainId: flags.chainId ?? DEFAULT_BLOCK.chainId,
    };
    let result: RunResult;
    try {
      result = runElf(bytes, {
        argv: [flags.argv0, ...args],
        env: flags.env,
        stdin: stdinBytes(flags.stdin),
        gasLimit: flags.gas,
        block,
        trace: flags.trace ?? false,
        profile: flags.profile !== undefined,
        configureKernel: mountsOf(flags),
        ...(flags.cache === false ? { cache: null } : {}),
      });
    } catch (e) {
      fatal(e, e instanceof ElfError ? elf : undefined);
    }
    writeProfile(flags, result.profile, elf);
    if (flags.json) {
      process.stdout.write(JSON.stringify(resultJson(result), null, 2) + '\n');
      process.exitCode = result.exitCode;
      return;
    }
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    if (flags.trace) for (const line of result.trace) process.stderr.write(`[syscall] ${line}\n`);
    if (result.outcome.kind !== 'exit') process.stderr.write(`qvm: ${result.outcome.reason}\n`);
    process.exitCode = result.exitCode;
  });

program
  .command('inspect')
  .description('describe an ELF binary and whether QVM can run it (exit 1 when it cannot)')
  .argument('<elf>', 'path to the ELF binary')
  .option('--json', 'print JSON')
  .action((elf: string, flags: { json?: boolean }) => {
    const bytes = readFile(elf);
    try {
      const img = parseElf(bytes, { allowDynamic: true });
      // a dynamically linked binary is described but cannot run: exit 1, and say what it is
      const dynamic = img.interp !== undefined || img.needed !== undefined;
      const type = dynamic ? (img.type === 'exec' ? 'dynamic-exec' : 'dynamic-pie') : img.type;
      if (flags.json) process.stdout.write(JSON.stringify({ ...img, type, runnable: !dynamic }, null, 2) + '\n');
      else process.stdout.write(describeElf(img).join('\n') + '\n');
      if (dynamic) process.exitCode = 1;
    } catch (e) {
      fatal(e, e instanceof ElfError ? elf : undefined);
    }
  });

registerChainCommands(program);
registerCalldataCommands(program);
registerNewCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) {
    // help and version exit 0; usage errors were printed (one line) by configureOutput
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  fatal(e);
});

/** --mount / --cwd (local runs only) as a kernel hook, or undefined. */
function mountsOf(flags: object): ((k: Kernel) => void) | undefined {
  const f = flags as { mount?: string[]; cwd?: string };
  const specs = f.mount ?? [];
  if (specs.length === 0 && f.cwd === undefined) return undefined;
  let mounts;
  try {
    mounts = specs.map(parseMount);
  } catch (e) {
    return fatal(e);
  }
  const cwd = f.cwd;
  return (k) => {
    try {
      applyMounts(k, mounts, cwd);
    } catch {
      die(`--cwd ${cwd}: not a directory in the guest`);
    }
  };
}
