#!/usr/bin/env bash
# Runs the Go standard-library test binaries (built by test/setup.sh from test/gostd-packages.txt)
# under QVM with -test.short, each in its package's source directory (GOROOT/src mounted read-only:
# qvm run --mount GOROOT/src:/goroot/src --cwd /goroot/src/PKG):
#   bash test/gostd.sh [PKG…]        (GOSTD_ARCH=riscv64 bash test/gostd.sh …: the riscv64 builds)
# Prints one line per package (PASS/FAIL, gas, seconds) and exits non-zero if any failed. Slow
# (seconds to minutes per package), so it is not part of `npm test`.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
goroot="$(go env GOROOT)"
list="$root/test/gostd-packages.txt"
pkgs=("$@")
if ((${#pkgs[@]} == 0)); then mapfile -t pkgs < <(awk '!/^#/ && NF { print $1 }' "$list"); fi
# GOSTD_ARCH=riscv64: the riscv64 builds of test/setup-riscv64.sh (test/build/rv64/gostd/)
bindir=gostd
[[ "${GOSTD_ARCH:-}" == riscv64 ]] && bindir=rv64/gostd
failed=0
for pkg in "${pkgs[@]}"; do
  bin="$root/test/build/$bindir/${pkg//\//_}.test"
  args=(-test.short)
  skip="$(awk -v p="$pkg" '$1 == p { for (i = 2; i <= NF; i++) if ($i ~ /^skip=/) print substr($i, 6) }' "$list")"
  if [[ -n "$skip" ]]; then
    # Go 1.19 has no -test.skip: run every other test by name
    names="$(cd "$goroot/src/$pkg" && "$bin" -test.list '.*' | grep -vxE "${skip//,/|}" | paste -sd '|')"
    args+=(-test.run "^($names)\$")
  fi
  start=$(date +%s)
  out="$(node "$root/dist/src/cli/main.js" run --json --gas 100000000000 --mount "$goroot/src:/goroot/src" --cwd "/goroot/src/$pkg" "$bin" "${args[@]}" 2>&1)"
  secs=$(( $(date +%s) - start ))
  verdict="$(node -e 'const r=JSON.parse(process.argv[1]); const ok=r.exitCode===0&&/(^|\n)PASS\n?$/.test(r.stdout); console.log((ok?"PASS":"FAIL")+" gas="+r.gasUsed+" exit="+r.exitCode+(r.reason?" reason="+r.reason:"")); if(!ok){process.stderr.write(r.stdout.slice(-3000)+r.stderr.slice(-3000)+"\n")}' "$out")" || verdict="FAIL (bad output)"
  echo "$pkg: $verdict ${secs}s"
  [[ "$verdict" == PASS* ]] || failed=1
done
exit $failed
