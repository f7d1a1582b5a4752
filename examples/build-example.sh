#!/usr/bin/env bash
# Builds one example contract in both languages:
#   examples/build-example.sh NAME [OUTDIR]
# gives OUTDIR/NAME-c (musl-gcc -static), OUTDIR/NAME-glibc (gcc -static) and OUTDIR/NAME-go (CGO_ENABLED=0 go build),
# and for riscv64 OUTDIR/NAME-rv64 (riscv64-linux-gnu-gcc -static) and OUTDIR/NAME-go-rv64 (GOARCH=riscv64), from
# examples/NAME/c/NAME.c and examples/NAME/go/. OUTDIR defaults to examples/NAME/build.
# Incremental: an output newer than its sources (and than this script) is not rebuilt.
# Without `go` on the PATH the Go version is skipped with a message.
set -euo pipefail

name="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/$name"
out="${2:-$src/build}"
self="${BASH_SOURCE[0]}"
mkdir -p "$out"

# fresh OUTPUT SOURCES…: is OUTPUT newer than every source and this script?
fresh() {
  local o="$1" f
  shift
  [[ -e "$o" ]] || return 1
  for f in "$self" "$@"; do
    [[ "$o" -nt "$f" ]] || return 1
  done
}

c_src="$src/c/$name.c"
if ! fresh "$out/$name-c" "$c_src"; then
  if ! command -v musl-gcc >/dev/null 2>&1; then
    echo "examples: musl-gcc not found; run: apt-get install musl-tools" >&2
    exit 1
  fi
  musl-gcc -static -O2 -Wall -o "$out/$name-c.tmp.$$" "$c_src"
  mv -f "$out/$name-c.tmp.$$" "$out/$name-c"
  echo "examples: built $out/$name-c"
fi

# the same C source against static glibc (gcc -static), as a contract built on a stock Linux PC
if ! fresh "$out/$name-glibc" "$c_src"; then
  if command -v gcc >/dev/null 2>&1; then
    gcc -static -O2 -Wall -o "$out/$name-glibc.tmp.$$" "$c_src"
    mv -f "$out/$name-glibc.tmp.$$" "$out/$name-glibc"
    echo "examples: built $out/$name-glibc"
  else
    echo "examples: gcc not found; glibc build of $name skipped" >&2
  fi
fi

# the same C source for riscv64 (riscv64-linux-gnu-gcc -static, glibc): NAME-rv64
if ! fresh "$out/$name-rv64" "$c_src"; then
  if command -v riscv64-linux-gnu-gcc >/dev/null 2>&1; then
    riscv64-linux-gnu-gcc -static -O2 -Wall -o "$out/$name-rv64.tmp.$$" "$c_src"
    mv -f "$out/$name-rv64.tmp.$$" "$out/$name-rv64"
    echo "examples: built $out/$name-rv64"
  else
    echo "examples: riscv64-linux-gnu-gcc not found; riscv64 build of $name skipped" >&2
  fi
fi

go_srcs=("$src"/go/*.go "$src/go/go.mod")
if ! fresh "$out/$name-go" "${go_srcs[@]}"; then
  if ! command -v go >/dev/null 2>&1; then
    echo "examples: go not found, $name-go not built (apt-get install golang-go)" >&2
    exit 0
  fi
  if [[ -z "${GOCACHE:-}" && -z "${HOME:-}" && -z "${XDG_CACHE_HOME:-}" ]]; then
    export GOCACHE="$out/.gocache"
  fi
  (cd "$src/go" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags='-s -w' -o "$out/$name-go.tmp.$$" .)
  mv -f "$out/$name-go.tmp.$$" "$out/$name-go"
  echo "examples: built $out/$name-go"
fi
if ! fresh "$out/$name-go-rv64" "${go_srcs[@]}" && command -v go >/dev/null 2>&1; then
  if [[ -z "${GOCACHE:-}" && -z "${HOME:-}" && -z "${XDG_CACHE_HOME:-}" ]]; then
    export GOCACHE="$out/.gocache"
  fi
  (cd "$src/go" && CGO_ENABLED=0 GOOS=linux GOARCH=riscv64 go build -trimpath -ldflags='-s -w' -o "$out/$name-go-rv64.tmp.$$" .)
  mv -f "$out/$name-go-rv64.tmp.$$" "$out/$name-go-rv64"
  echo "examples: built $out/$name-go-rv64"
fi
