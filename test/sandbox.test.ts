/**
 * The sandbox claims of docs/security.md, each checked from inside a guest: test/sandbox/probe.c
 * tries to read host files, open sockets and learn the host's time, pid, environment and CPU;
 * the hostile programs of test/reliability/hostile try to exhaust memory and disk.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'qvm-sandbox-'));
const exe = (name: string): string => join(dir, name);

function build(src: string, name: string): void {
  const r = spawnSync('musl-gcc', ['-static', '-O2', '-o', exe(name), join(ROOT, src)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function qvm(args: string[], env: NodeJS.ProcessEnv = process.env): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'run', ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function line(out: string, prefix: string): string {
  const l = out.split('\n').find((x) => x.startsWith(prefix));
  assert.ok(l !== undefined, `no line "${prefix}…" in:\n${out}`);
  return l;
}

describe('sandbox claims (docs/security.md)', { skip: spawnSync('musl-gcc', ['--version']).status === 0 ? false : 'musl-gcc missing' }, () => {
  before(() => {
    build('test/sandbox/probe.c', 'probe');
    build('test/reliability/hostile/memory_bomb.c', 'memory_bomb');
    build('test/reliability/hostile/tmp_fill.c', 'tmp_fill');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a guest cannot read or write a host file without --mount, and a mount is read-only', () => {
    const plain = qvm([exe('probe')]);
    assert.equal(plain.status, 0, plain.stderr);
    for (const p of ['/etc/passwd', '/etc/hostname', '/root/.bashrc', '/proc/1/environ', '/proc/self/environ', '/proc/cpuinfo', '/proc/meminfo', '/sys/class/net/eth0/address']) {
      assert.equal(line(plain.stdout, `open ${p}:`), `open ${p}: No such file or directory`);
    }
    assert.equal(line(plain.stdout, 'create /etc/qvm-probe:'), 'create /etc/qvm-probe: No such file or directory');
    // the root directory holds only QVM's own synthetic trees
    const root = line(plain.stdout, 'ls /:').split(' ').slice(2).sort();
    assert.deepEqual(root, ['.', '..', 'dev', 'proc', 'sys', 'tmp']);
    // /tmp lives in the run's memory: nothing reaches the host's /tmp
    assert.equal(line(plain.stdout, 'create /tmp/qvm-probe:'), 'create /tmp/qvm-probe: ok');
    assert.equal(existsSync('/tmp/qvm-probe'), false);
    // with --mount, the host directory is visible, and read-only
    const host = join(dir, 'shared');
    mkdirSync(host);
    writeFileSync(join(host, 'secret.txt'), 'mounted text\n');
    const mounted = qvm(['--mount', `${host}:/data`, exe('probe'), '/data']);
    assert.equal(line(mounted.stdout, 'open /data/secret.txt:'), 'open /data/secret.txt: ok "mounted text "');
    assert.equal(line(mounted.stdout, 'create /data/new.txt:'), 'create /data/new.txt: Read-only file system');
    assert.deepEqual(readdirSync(host), ['secret.txt']);
  });

  it('a guest cannot reach the network', () => {
    const out = qvm([exe('probe')]).stdout;
    for (const s of ['inet tcp', 'inet udp', 'inet6 tcp', 'unix', 'netlink']) {
      assert.equal(line(out, `socket ${s}:`), `socket ${s}: Function not implemented`);
    }
    assert.equal(line(out, 'execve /bin/sh:'), 'execve /bin/sh: Function not implemented');
  });

  it('a guest cannot learn the host time, pid, environment or CPU', async () => {
    const first = qvm([exe('probe')], { ...process.env, TZ: 'UTC', QVM_PROBE_SECRET: 'one' });
    await new Promise((res) => setTimeout(res, 1100));
    const second = qvm([exe('probe')], { ...process.env, TZ: 'Asia/Tokyo', QVM_PROBE_SECRET: 'two', HOME: '/elsewhere' });
    assert.equal(second.stdout, first.stdout, 'the same run a second later, with another host environment');
    const out = first.stdout;
    assert.equal(line(out, 'uname:'), 'uname: Linux qvm 6.1.0 x86_64');
    assert.equal(line(out, 'pid '), 'pid 1000 ppid 1 uid 1000 gid 1000');
    assert.equal(line(out, 'time '), 'time 1700000000', 'time() is the block timestamp');
    assert.equal(line(out, 'monotonic below 1 s:'), 'monotonic below 1 s: yes');
    assert.equal(line(out, 'cpus '), 'cpus 1');
    assert.equal(line(out, 'cpuid vendor '), 'cpuid vendor GenuineIntel');
    assert.equal(line(out, 'cpuid brand '), 'cpuid brand QVM Virtual CPU (x86-64-v1 baseline)');
    assert.equal(line(out, 'environ:'), 'environ:', 'no host variable reaches the guest');
    // and the block context, not the host clock, moves time
    const later = qvm(['--block-timestamp', '1800000000', exe('probe')]).stdout;
    assert.equal(line(later, 'time '), 'time 1800000000');
  });

  it('a guest cannot exhaust the host memory or disk beyond its limits', () => {
    // memory: the run stops at the 512 MiB limit, and the host process stays bounded
    const script = `import { readFileSync } from 'node:fs';
      const { runElf } = await import(${JSON.stringify(join(ROOT, 'dist/src/machine/run.js'))});
      const r = runElf(readFileSync(${JSON.stringify(exe('memory_bomb'))}), { argv: ['contract', 'run'], env: [], gasLimit: 2e9 });
      console.log(JSON.stringify({ reason: r.reason, maxRssKiB: process.resourceUsage().maxRSS }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { reason: string; maxRssKiB: number };
    assert.match(res.reason, /memory limit exceeded \(536870912 bytes\)/);
    assert.ok(res.maxRssKiB < 1.5 * 1024 * 1024, `host RSS peaked at ${res.maxRssKiB} KiB`);
    // disk: /tmp is in memory and bounded; nothing is written to the host's disk
    const fill = qvm(['--json', exe('tmp_fill'), 'run']);
    const j = JSON.parse(fill.stdout) as { exitCode: number; stderr: string };
    assert.equal(j.exitCode, 1);
    assert.match(j.stderr, /write failed after 64 MiB/);
    assert.ok(!readdirSync(tmpdir()).some((f) => f.startsWith('fill')), 'no guest file in the host tmp directory');
  });
});
