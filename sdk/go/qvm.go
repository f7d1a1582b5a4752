// Package qvm is the QVM contract SDK for Go (standard library only). A contract is a static
// Linux program (CGO_ENABLED=0 go build); this wraps its ABI (SPEC §2, docs/chain.md):
//
//   - Get(KEY): DB_<KEY> when the call declared the key (--read), else the file /qvm/db/<KEY>
//     (read lazily, metered); ok is false when the key is not set
//   - Set(KEY, VALUE) prints DBW=KEY=VALUE; Delete(KEY) prints DBP=KEY
//   - Event(format, …) prints OUT=<text>
//   - Fail(format, …) writes the message to stderr and exits 1: the call fails and none of its
//     writes or events are kept
//   - Ctx() gives the call's context: sender, contract, value, block, chain
//
// Keys are 1–128 bytes of [A-Za-z0-9_]; values up to 65536 bytes without '\n' or NUL; event texts
// up to 65536 bytes without '\n'. Bad ones fail the call, so a contract never prints a broken line.
package qvm

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

const (
	MaxKey   = 128
	MaxValue = 65536
	MaxEvent = 65536
)

var out = bufio.NewWriter(os.Stdout)

// Flush writes what Set, Delete and Event buffered; Fail and Exit call it.
func Flush() { _ = out.Flush() }

// Exit flushes the output and ends the call with status 0 (return from main and call Flush works too).
func Exit() {
	Flush()
	os.Exit(0)
}

// Fail writes the message to stderr and exits 1: the call fails.
func Fail(format string, args ...any) {
	Flush()
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// ValidKey reports whether key is 1–128 bytes of [A-Za-z0-9_].
func ValidKey(key string) bool {
	if len(key) < 1 || len(key) > MaxKey {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ValidValue reports whether value can be stored: at most 65536 bytes, no newline or NUL.
func ValidValue(value string) bool {
	return len(value) <= MaxValue && !strings.ContainsAny(value, "\n\x00")
}

// Get returns the value of key before the call; ok is false when it is not set.
func Get(key string) (value string, ok bool) {
	if !ValidKey(key) {
		Fail("qvm.Get: invalid key %q", key)
	}
	if v, found := os.LookupEnv("DB_" + key); found {
		return v, true
	}
	f, err := os.Open("/qvm/db/" + key)
	if err != nil {
		return "", false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxValue))
	if err != nil {
		Fail("qvm.Get: reading %s: %v", key, err)
	}
	return string(b), true
}

// Set sets key to value when the call succeeds.
func Set(key, value string) {
	if !ValidKey(key) {
		Fail("qvm.Set: invalid key %q", key)
	}
	if !ValidValue(value) {
		Fail("qvm.Set: invalid value for %s (a newline or NUL, or longer than %d bytes)", key, MaxValue)
	}
	fmt.Fprintf(out, "DBW=%s=%s\n", key, value)
}

// Delete deletes key when the call succeeds.
func Delete(key string) {
	if !ValidKey(key) {
		Fail("qvm.Delete: invalid key %q", key)
	}
	fmt.Fprintf(out, "DBP=%s\n", key)
}

// Event emits an event (a log of the transaction) when the call succeeds.
func Event(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if len(s) > MaxEvent || strings.Contains(s, "\n") {
		Fail("qvm.Event: an event is at most %d bytes, without a newline", MaxEvent)
	}
	fmt.Fprintf(out, "OUT=%s\n", s)
}

// Context is the call's context (SPEC §2).
type Context struct {
	Sender, Contract string // 0x + 40 lowercase hex digits
	Value            string // wei, decimal (may exceed 64 bits)
	TxHash           string // 0x + 64 hex digits
	PrevBlockHash    string
	BlockNumber      uint64
	BlockTimestamp   uint64
	ChainID          uint64
	Initialized      bool // a successful deploy set QVM_INITIALIZED=true
}

func num(name string) uint64 {
	n, _ := strconv.ParseUint(os.Getenv(name), 10, 64)
	return n
}

// Ctx reads the call's context from the environment.
func Ctx() Context {
	return Context{
		Sender: os.Getenv("QVM_SENDER"), Contract: os.Getenv("QVM_CONTRACT"), Value: os.Getenv("QVM_VALUE"),
		TxHash: os.Getenv("QVM_TX_HASH"), PrevBlockHash: os.Getenv("QVM_PREV_BLOCK_HASH"),
		BlockNumber: num("QVM_BLOCK_NUMBER"), BlockTimestamp: num("QVM_BLOCK_TIMESTAMP"), ChainID: num("QVM_CHAIN_ID"),
		Initialized: os.Getenv("DB_QVM_INITIALIZED") == "true",
	}
}
