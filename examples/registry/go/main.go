// The registry sample of QAN's documentation, as a QVM contract in Go (same behaviour as ../c).
//
//	contract construct [MAXUSERS]   stores the maximum number of users (default 100); refuses to run twice
//	contract register NAME          prints the previous name as an event, stores NAME as the
//	                                current and the n-th user, counts users
//
// Storage: QVM_INIT_MAXUSER, USER_CURRENT, USER_<n>, TOTALUSERS. A key is read from DB_<KEY> when
// the call declares it, else lazily from /qvm/db/<KEY>.
//
// Build: CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o registry .   (see build.sh)
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

const defaultMaxUsers = 100

// dbGet returns a storage value and whether it exists.
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

func dbGetInt(key string) int64 {
	v, _ := dbGet(key)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func initialized() bool {
	return os.Getenv("DB_QVM_INITIALIZED") == "true"
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(1)
}

func construct(args []string) {
	if initialized() {
		fail("contract is already initialized")
	}
	max := int64(defaultMaxUsers)
	if len(args) > 0 {
		n, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil || n <= 0 {
			fail("construct: MAXUSERS must be a positive number")
		}
		max = n
	}
	fmt.Printf("DBW=QVM_INIT_MAXUSER=%d\n", max)
	fmt.Printf("OUT=registry created for %d users\n", max)
}

func register(name string) {
	if !initialized() {
		fail("contract is not initialized")
	}
	if name == "" || strings.ContainsRune(name, '\n') {
		fail("register: invalid name")
	}
	max := dbGetInt("QVM_INIT_MAXUSER")
	total := dbGetInt("TOTALUSERS")
	if total >= max {
		fail("register: the registry is full")
	}
	prev, ok := dbGet("USER_CURRENT")
	if !ok || prev == "" {
		prev = "unknown"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "OUT=prevname: %s\n", prev)
	fmt.Fprintf(&b, "DBW=USER_CURRENT=%s\n", name)
	fmt.Fprintf(&b, "DBW=USER_%d=%s\n", total+1, name)
	fmt.Fprintf(&b, "DBW=TOTALUSERS=%d\n", total+1)
	os.Stdout.WriteString(b.String())
}

func main() {
	args := os.Args[1:]
	switch {
	case len(args) >= 1 && args[0] == "construct":
		construct(args[1:])
	case len(args) == 2 && args[0] == "register":
		register(args[1])
	default:
		fail("usage: construct [MAXUSERS] | register NAME")
	}
}
