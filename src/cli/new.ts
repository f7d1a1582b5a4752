/**
 * `qvm new <name> --lang c|go|rust [--dir DIR]`: a contract project (templates/<lang> and
 * templates/common, with the SDK of sdk/<lang> copied into its sdk/ folder, so that it builds
 * offline and on its own) that `./build.sh` builds and `./test.sh` tests with `qvm run`.
 */
import { Command, InvalidArgumentError } from 'commander';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { die } from './io.js';

/** The package's root: dist/src/cli/new.js → ../../.. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Lang {
  title: string;
  /** The build tool, as the README names it. */
  build: string;
}

/** The languages: templates/<id> holds each one's sources and build.sh, sdk/<id> its SDK. */
const LANGS: Readonly<Record<string, Lang>> = {
  c: { title: 'C', build: 'musl-gcc -static' },
  go: { title: 'Go', build: 'CGO_ENABLED=0 go build' },
  rust: { title: 'Rust', build: 'cargo build --release, +crt-static' },
};

/** Common files and the names they get in the project. */
const COMMON: ReadonlyArray<[string, string]> = [['README.md', 'README.md'], ['test.sh', 'test.sh'], ['gitignore', '.gitignore']];

function nameArg(v: string): string {
  if (!/^[a-z][a-z0-9_-]{0,63}$/.test(v)) throw new InvalidArgumentError('the name must be 1-64 characters of a-z, 0-9, _ and -, starting with a letter');
  return v;
}

function langArg(v: string): string {
  if (!Object.hasOwn(LANGS, v)) throw new InvalidArgumentError(`unknown language "${v}" (c, go or rust)`);
  return v;
}

/** Every file under `dir`, as paths relative to it. */
function files(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, join(prefix, e.name)) : [join(prefix, e.name)]);
}

export function createProject(name: string, langId: string, dir: string): string[] {
  const lang = LANGS[langId]!;
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) die(`${dir} already exists and is not an empty directory`);
  const fill = (text: string): string => text.replaceAll('__NAME__', name).replaceAll('__LANGID__', langId).replaceAll('__LANG__', lang.title).replaceAll('__BUILD__', lang.build);
  const made: string[] = [];
  const put = (from: string, to: string): void => {
    const target = join(dir, to);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, fill(readFileSync(from, 'utf8')));
    if (to.endsWith('.sh')) chmodSync(target, 0o755);
    made.push(to);
  };
  const tpl = join(ROOT, 'templates', langId);
  for (const f of files(tpl)) put(join(tpl, f), f);
  for (const [from, to] of COMMON) put(join(ROOT, 'templates', 'common', from), to);
  // the SDK is copied as it is (no placeholders), so that a project builds with no network and no path back here
  cpSync(join(ROOT, 'sdk', langId), join(dir, 'sdk'), { recursive: true });
  made.push('sdk/');
  return made;
}

export function registerNewCommand(program: Command): void {
  program
    .command('new')
    .description('create a contract project (C, Go or Rust) that ./build.sh builds and ./test.sh tests')
    .argument('<name>', 'project and contract name', nameArg)
    .requiredOption('--lang <lang>', 'c, go or rust', langArg)
    .option('--dir <dir>', 'where to create it (default: ./<name>)')
    .action((name: string, flags: { lang: string; dir?: string }) => {
      const dir = flags.dir ?? name;
      const made = createProject(name, flags.lang, dir);
      process.stdout.write(`created ${dir}/ (${LANGS[flags.lang]!.title}): ${made.join(', ')}\n\n  cd ${dir}\n  ./build.sh\n  ./test.sh\n`);
    });
}
