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
# the instruction-level differential test harness (test/difftest-rv64/)
build "$root/test/difftest-rv64/harness.c" "$out/difftest-harness" -O1
wait_all
exit "$failed"
