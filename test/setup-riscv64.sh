#!/usr/bin/env bash
# Builds the C corpus (test/c/*.c) and the bad programs for riscv64 with Debian's cross compiler,
# statically linked against glibc, at -O0 and -O2:
#   test/build/rv64/<name>.rv64.O0, test/build/rv64/<name>.rv64.O2
# QVM's riscv64 CPU must match qemu-riscv64 on every one (test/riscv64-corpus.test.ts).
# Incremental like test/setup.sh. Skipped (with a note) without riscv64-linux-gnu-gcc.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/test/build/rv64"
self="$root/test/setup-riscv64.sh"
cc=riscv64-linux-gnu-gcc
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "test/setup-riscv64.sh: $cc not found: riscv64 tests skipped (apt-get install gcc-riscv64-linux-gnu libc6-dev-riscv64-cross)" >&2
  exit 0
fi
mkdir -p "$out/bad"
jobs_max="$(nproc 2>/dev/null || echo 2)"
failed=0
pids=()
wait_all() {
  local pid
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  pids=()
}
build() {
  local in="$1" outf="$2"
  shift 2
  if [[ -e "$outf" && "$outf" -nt "$in" && "$outf" -nt "$self" ]]; then return 0; fi
  ( if "$cc" -static "$@" -w -o "$outf.tmp.$$" "$in" -lm -lpthread; then mv -f "$outf.tmp.$$" "$outf";
    else rm -f "$outf.tmp.$$"; echo "test/setup-riscv64.sh: failed to compile $in" >&2; exit 1; fi ) &
  pids+=("$!")
  if ((${#pids[@]} >= jobs_max)); then wait_all; fi
}
# x86-64 only: inline x86 assembly, x86 machine code or x86 register names.
X86_ONLY=" fp_conv longdouble sigcontext selfmod avx ud2 "
shopt -s nullglob
for f in "$root"/test/c/*.c "$root"/test/riscv64/*.c; do
  name="$(basename "$f" .c)"
  [[ "$X86_ONLY" == *" $name "* ]] && continue
  build "$f" "$out/$name.rv64.O0" -O0
  build "$f" "$out/$name.rv64.O2" -O2
done
for f in "$root"/test/c/bad/*.c "$root"/test/riscv64/bad/*.c; do
  name="$(basename "$f" .c)"
  [[ "$X86_ONLY" == *" $name "* ]] && continue
  build "$f" "$out/bad/$name.rv64.O2" -O2
done
# riscv64 kernel probes checked against documented values (no qemu reference)
build "$root/test/riscv64/probe/hwprobe.c" "$out/hwprobe" -O2
# the instruction-level differential test harness (test/difftest-rv64/)
build "$root/test/difftest-rv64/harness.c" "$out/difftest-harness" -O1
wait_all

# The Go programs (test/go/<name>/) for riscv64: test/build/rv64/go/<name> (GOARCH=riscv64).
if command -v go >/dev/null 2>&1; then
  mkdir -p "$out/go"
  if [[ -z "${GOCACHE:-}" && -z "${HOME:-}" && -z "${XDG_CACHE_HOME:-}" ]]; then export GOCACHE="$out/.gocache"; fi
  for d in "$root"/test/go/*/; do
    name="$(basename "$d")"
    bin="$out/go/$name"
    newest="$(ls -t "$d"*.go "$self" | head -1)"
    if [[ -e "$bin" && "$bin" -nt "$newest" ]]; then continue; fi
    if (cd "$root/test/go" && CGO_ENABLED=0 GOOS=linux GOARCH=riscv64 go build -o "$bin.tmp.$$" "./$name") && mv -f "$bin.tmp.$$" "$bin"; then :
    else rm -f "$bin.tmp.$$"; echo "test/setup-riscv64.sh: failed to build test/go/$name for riscv64" >&2; failed=1; fi
  done
  # the fast Go standard-library test binaries (test/riscv64-gostd.test.ts; all: GOSTD_ARCH=riscv64 test/gostd.sh)
  mkdir -p "$out/gostd"
  for pkg in unicode/utf8 container/heap hash/crc32 encoding/base64 math/bits; do
    bin="$out/gostd/${pkg//\//_}.test"
    if [[ -e "$bin" && "$bin" -nt "$self" ]]; then continue; fi
    if CGO_ENABLED=0 GOOS=linux GOARCH=riscv64 go test -c -o "$bin.tmp.$$" "$pkg" >/dev/null && mv -f "$bin.tmp.$$" "$bin"; then :
    else rm -f "$bin.tmp.$$"; echo "test/setup-riscv64.sh: failed to build the riscv64 test binary of $pkg" >&2; failed=1; fi
  done
fi
exit "$failed"
