#!/usr/bin/env bash
# Builds the C test corpus (test/c/*.c) and the misbehaving programs (test/c/bad/*.c) as static
# musl binaries, at -O0 and -O2:
#   test/build/<name>.musl.O0, test/build/<name>.musl.O2
#   test/build/bad/<name>.musl.O0, test/build/bad/<name>.musl.O2
# plus test/build/hello.dynamic (glibc gcc without -static), which QVM must refuse.
# Incremental: a binary newer than its source (and than this script) is not rebuilt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/test/c"
out="$root/test/build"
self="$root/test/setup.sh"

if ! command -v musl-gcc >/dev/null 2>&1; then
  echo "test/setup.sh: musl-gcc not found; run: apt-get install musl-tools" >&2
  exit 1
fi
if ! command -v gcc >/dev/null 2>&1; then
  echo "test/setup.sh: gcc not found; run: apt-get install gcc libc6-dev" >&2
  exit 1
fi

mkdir -p "$out/bad"

jobs_max="$(nproc 2>/dev/null || echo 2)"
pids=()
failed=0
built=0

wait_all() {
  local pid
  for pid in "${pids[@]}"; do
    if ! wait "$pid"; then failed=1; fi
  done
  pids=()
}

# build <source> <output> <compiler> <flags…>
build() {
  local in="$1" outf="$2" cc="$3"
  shift 3
  if [[ -e "$outf" && "$outf" -nt "$in" && "$outf" -nt "$self" ]]; then
    return 0
  fi
  built=$((built + 1))
  (
    tmp="$outf.tmp.$$"
    if "$cc" "$@" -w -o "$tmp" "$in" -lm; then
      mv -f "$tmp" "$outf"
    else
      rm -f "$tmp"
      echo "test/setup.sh: failed to compile $in ($cc $*)" >&2
      exit 1
    fi
  ) &
  pids+=("$!")
  if ((${#pids[@]} >= jobs_max)); then wait_all; fi
}

shopt -s nullglob
for f in "$src"/*.c; do
  name="$(basename "$f" .c)"
  build "$f" "$out/$name.musl.O0" musl-gcc -static -O0
  build "$f" "$out/$name.musl.O2" musl-gcc -static -O2
done
for f in "$src"/bad/*.c; do
  name="$(basename "$f" .c)"
  build "$f" "$out/bad/$name.musl.O0" musl-gcc -static -O0
  build "$f" "$out/bad/$name.musl.O2" musl-gcc -static -O2
done
# The same corpus linked statically against glibc (test/build/<name>.glibc.O2), and the C++
# programs (test/cpp/*.cpp → test/build/<name>.cpp.O2, g++ -static: libstdc++ on glibc).
for f in "$src"/*.c; do
  build "$f" "$out/$(basename "$f" .c).glibc.O2" gcc -static -O2
done
if command -v g++ >/dev/null 2>&1; then
  for f in "$root"/test/cpp/*.cpp; do
    build "$f" "$out/$(basename "$f" .cpp).cpp.O2" g++ -static -O2 -std=c++17
  done
else
  echo "test/setup.sh: g++ not found: C++ tests skipped (apt-get install g++)" >&2
fi
# Test contracts for the contract ABI tests (test/contracts/*.c → test/build/contracts/<name>).
mkdir -p "$out/contracts"
for f in "$root"/test/contracts/*.c; do
  build "$f" "$out/contracts/$(basename "$f" .c)" musl-gcc -static -O2
done
# A dynamically linked binary (glibc), for the bad-input tests.
build "$src/hello.c" "$out/hello.dynamic" gcc -O2
wait_all

# Rust programs (test/rust/<name>/ cargo projects, std only → test/build/<name>.rust): static-pie
# glibc binaries as `cargo build --release` makes them with +crt-static. Offline: no crates needed.
cargo_bin="$(command -v cargo || true)"
cargo_home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
if [[ -z "$cargo_bin" && -x "$cargo_home/.cargo/bin/cargo" ]]; then cargo_bin="$cargo_home/.cargo/bin/cargo"; fi
if [[ -n "$cargo_bin" ]]; then
  for d in "$root"/test/rust/*/; do
    name="$(basename "$d")"
    if (cd "$d" && HOME="$cargo_home" RUSTFLAGS='-C target-feature=+crt-static' CARGO_TARGET_DIR="$out/rust-target" \
        "$cargo_bin" build --offline --release --quiet --target x86_64-unknown-linux-gnu); then
      rbin="$out/rust-target/x86_64-unknown-linux-gnu/release/$name"
      if ! cmp -s "$rbin" "$out/$name.rust"; then cp -f "$rbin" "$out/$name.rust"; built=$((built + 1)); fi
    else
      echo "test/setup.sh: failed to build test/rust/$name" >&2; failed=1
    fi
  done
else
  echo "test/setup.sh: cargo not found: Rust tests skipped (https://rustup.rs)" >&2
fi

# The example contracts (examples/*/build.sh → test/build/examples/<name>-c, <name>-go).
for ex in "$root"/examples/*/build.sh; do
  if ! bash "$ex" "$out/examples"; then failed=1; fi
done

# Go programs (test/go/<name>/ → test/build/go/<name>) and Go standard-library test binaries
# (go test -c → test/build/gostd/<pkg>.test, run from the package's source directory mounted
# read-only). Needs `go` (Debian golang-go); without it the Go tests are skipped.
if command -v go >/dev/null 2>&1; then
  mkdir -p "$out/go" "$out/gostd"
  if [[ -z "${GOCACHE:-}" && -z "${HOME:-}" && -z "${XDG_CACHE_HOME:-}" ]]; then
    export GOCACHE="$out/.gocache"
  fi
  for d in "$root"/test/go/*/; do
    name="$(basename "$d")"
    bin="$out/go/$name"
    newest="$(ls -t "$d"*.go "$self" | head -1)"
    if [[ -e "$bin" && "$bin" -nt "$newest" ]]; then continue; fi
    if (cd "$root/test/go" && CGO_ENABLED=0 go build -o "$bin.tmp.$$" "./$name") && mv -f "$bin.tmp.$$" "$bin"; then
      built=$((built + 1))
    else
      rm -f "$bin.tmp.$$"; echo "test/setup.sh: failed to build test/go/$name" >&2; failed=1
    fi
  done
  # keep in sync with test/gostd.sh
  for pkg in $(awk '!/^#/ && NF { print $1 }' "$root/test/gostd-packages.txt"); do
    bin="$out/gostd/${pkg//\//_}.test"
    if [[ -e "$bin" && "$bin" -nt "$self" && "$bin" -nt "$root/test/gostd-packages.txt" ]]; then continue; fi
    if CGO_ENABLED=0 go test -c -o "$bin.tmp.$$" "$pkg" >/dev/null && mv -f "$bin.tmp.$$" "$bin"; then
      built=$((built + 1))
    else
      rm -f "$bin.tmp.$$"; echo "test/setup.sh: failed to build the test binary of $pkg" >&2; failed=1
    fi
  done
else
  echo "test/setup.sh: go not found: Go tests skipped (apt-get install golang-go)" >&2
fi

# The corpus for the riscv64 CPU (test/build/rv64/, riscv64-linux-gnu-gcc; skipped without it).
if ! bash "$root/test/setup-riscv64.sh"; then failed=1; fi

if ((failed)); then
  echo "test/setup.sh: some test programs failed to build" >&2
  exit 1
fi
if ((built > 0)); then
  echo "test/setup.sh: built $built binaries in test/build/"
fi
