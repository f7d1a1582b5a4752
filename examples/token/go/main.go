// A fungible token as a QVM contract in Go (same behaviour as ../c).
//
//	contract construct [SUPPLY]   mints SUPPLY (default 1000000) to the deployer (QVM_SENDER)
//	contract transfer TO AMOUNT   moves AMOUNT from the sender to TO; fails on insufficient funds
//	contract balance ADDR         emits ADDR's balance as an event
//
// Storage: TOTAL_SUPPLY and BAL_<address> (0x-prefixed lowercase hex). Balances are read from
// DB_<KEY> when the call declares them, else lazily from /qvm/db/<KEY>. Amounts are uint64.
//
// Build: CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o token .   (see build.sh)
package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

const defaultSupply = 1000000

func dbGet(key string) (string, bool) {
	if v, ok := os.LookupEnv("DB_" + key); ok {
		return v, true
	}
	b, err := os.ReadFile("/qvm/db/" + key)
	if err != nil {
		return "", false
	}
	return string(b), true
}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(1)
}

func parseAddress(s string) (string, bool) {
	if len(s) != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return "", false
	}
	for _, c := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return "", false
		}
	}
	return "0x" + strings.ToLower(s[2:]), true
}

func parseAmount(s string) (uint64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

func balanceOf(addr string) uint64 {
	v, _ := dbGet("BAL_" + addr)
	n, ok := parseAmount(v)
	if !ok {
		return 0
	}
	return n
}

func initialized() bool {
	return os.Getenv("DB_QVM_INITIALIZED") == "true"
}

func sender() string {
	s, ok := parseAddress(os.Getenv("QVM_SENDER"))
	if !ok {
		fail("no sender")
	}
	return s
}

func main() {
	args := os.Args[1:]
	out := &strings.Builder{}
	switch {
	case len(args) >= 1 && args[0] == "construct":
		if initialized() {
			fail("contract is already initialized")
		}
		supply := uint64(defaultSupply)
		if len(args) > 1 {
			n, ok := parseAmount(args[1])
			if !ok {
				fail("construct: invalid supply %s", args[1])
			}
			supply = n
		}
		owner := sender()
		fmt.Fprintf(out, "DBW=TOTAL_SUPPLY=%d\n", supply)
		fmt.Fprintf(out, "DBW=BAL_%s=%d\n", owner, supply)
		fmt.Fprintf(out, "OUT=mint %s %d\n", owner, supply)
	case len(args) == 3 && args[0] == "transfer":
		if !initialized() {
			fail("contract is not initialized")
		}
		from := sender()
		to, ok := parseAddress(args[1])
		if !ok {
			fail("transfer: invalid address %s", args[1])
		}
		amount, ok := parseAmount(args[2])
		if !ok {
			fail("transfer: invalid amount %s", args[2])
		}
		have := balanceOf(from)
		if have < amount {
			fail("transfer: insufficient funds (balance %d, amount %d)", have, amount)
		}
		if from != to {
			dest := balanceOf(to)
			if dest > math.MaxUint64-amount {
				fail("transfer: balance overflow")
			}
			fmt.Fprintf(out, "DBW=BAL_%s=%d\n", from, have-amount)
			fmt.Fprintf(out, "DBW=BAL_%s=%d\n", to, dest+amount)
		}
		fmt.Fprintf(out, "OUT=transfer %s %s %d\n", from, to, amount)
	case len(args) == 2 && args[0] == "balance":
		addr, ok := parseAddress(args[1])
		if !ok {
			fail("balance: invalid address %s", args[1])
		}
		fmt.Fprintf(out, "OUT=balance %s %d\n", addr, balanceOf(addr))
	default:
		fail("usage: construct [SUPPLY] | transfer TO AMOUNT | balance ADDR")
	}
	os.Stdout.WriteString(out.String())
}
