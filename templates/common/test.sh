#!/usr/bin/env bash
# Tests the contract: runs it in `qvm run` contract mode (the qvm found on PATH) and checks each
# call's status and output. Builds it first when build/__NAME__ is missing.
set -euo pipefail
cd "$(dirname "$0")"
bin=build/__NAME__
[[ -x "$bin" ]] || ./build.sh
command -v qvm >/dev/null || { echo "test.sh: qvm not found on PATH (npm install -g qvm, or npx qvm)" >&2; exit 2; }
state="$(mktemp -d)/state.json"
trap 'rm -rf "$(dirname "$state")"' EXIT
OWNER=0x00000000000000000000000000000000000000a1
OTHER=0x00000000000000000000000000000000000000b2
passed=0

# check NAME STATUS LINE ARGS…: `qvm run $bin ARGS… --state $state` exits STATUS and prints LINE
check() {
  local name="$1" want="$2" line="$3" out status=0
  shift 3
  out="$(qvm run "$bin" "$@" --state "$state" 2>&1)" || status=$?
  if [[ "$status" != "$want" ]] || ! grep -qxF -- "$line" <<<"$out"; then
    echo "FAIL $name: exit $status (want $want), want the line \"$line\" in:" >&2
    sed 's/^/  | /' <<<"$out" >&2
    exit 1
  fi
  echo "ok   $name"
  passed=$((passed + 1))
}

check "construct"                 0 "  created 5 by $OWNER"  --construct 5 --sender "$OWNER"
check "construct only once"       1 "  already constructed"  --construct 1 --sender "$OWNER"
check "add (lazy storage read)"   0 "  count 8"              add 3
check "add (declared read)"       0 "  count 10"             add 2 --read COUNT
check "get"                       0 "  count 10"             get
check "a bad number fails"        1 "  add: \"x\" is not a non-negative integer" add x
check "reset by another fails"    1 "  reset: only the owner ($OWNER) can reset" reset --sender "$OTHER"
check "reset by the owner"        0 "  reset"                reset --sender "$OWNER"
check "get after reset"           0 "  count 0"              get
check "the call's context"        0 "  sender $OTHER block 42" whoami --sender "$OTHER" --block-number 42
echo "$passed passed, 0 failed"
