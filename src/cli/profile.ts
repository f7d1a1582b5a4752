/**
 * `qvm run --profile FILE [--profile-format speedscope|folded]`: write the run's gas profile.
 * Without --profile-format, a FILE ending in .folded or .txt gets folded stacks, anything else
 * speedscope JSON (open it at speedscope.app, or in the node's explorer).
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatProfile, PROFILE_FORMATS, type ProfileFormat } from '../machine/profile/format.js';
import type { GasProfile } from '../machine/profile/types.js';
import { die } from './io.js';

export interface ProfileFlags {
  profile?: string;
  profileFormat?: string;
}

/** The format asked for, or a one-line error. */
export function profileFormatOf(flags: ProfileFlags): ProfileFormat {
  const f = flags.profileFormat;
  if (f === undefined) return /\.(folded|txt)$/.test(flags.profile ?? '') ? 'folded' : 'speedscope';
  if (!(PROFILE_FORMATS as readonly string[]).includes(f)) die(`--profile-format must be one of ${PROFILE_FORMATS.join(', ')}, got "${f}"`);
  if (flags.profile === undefined) die('--profile-format needs --profile FILE');
  return f as ProfileFormat;
}

export function writeProfile(flags: ProfileFlags, profile: GasProfile | undefined, elf: string): void {
  if (flags.profile === undefined) return;
  if (profile === undefined) {
    // (a riscv64 program, or a call refused before it ran)
    process.stderr.write(`qvm: no gas profile written to ${flags.profile}: the profiler follows x86-64 programs that ran\n`);
    return;
  }
  const text = formatProfile(profile, profileFormatOf(flags), basename(elf));
  try {
    writeFileSync(flags.profile, text);
  } catch (e) {
    die(`cannot write ${flags.profile}: ${(e as Error).message}`);
  }
}
