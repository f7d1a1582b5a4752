// __NAME__: a counter contract (see README.md). Build: ./build.sh
package main

import (
	"os"
	"strconv"

	"qvm.local/sdk"
)

func parseCount(what, s string) uint64 {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		qvm.Fail("%s: %q is not a non-negative integer", what, s)
	}
	return n
}

func count() uint64 {
	if v, ok := qvm.Get("COUNT"); ok {
		return parseCount("COUNT", v)
	}
	return 0
}

func main() {
	defer qvm.Flush()
	args := os.Args[1:]
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	ctx := qvm.Ctx()
	switch {
	case cmd == "construct":
		if ctx.Initialized {
			qvm.Fail("already constructed")
		}
		var start uint64
		if len(args) > 1 {
			start = parseCount("construct", args[1])
		}
		qvm.Set("COUNT", strconv.FormatUint(start, 10))
		qvm.Set("OWNER", ctx.Sender)
		qvm.Event("created %d by %s", start, ctx.Sender)
	case cmd == "add" && len(args) == 2:
		n, c := parseCount("add", args[1]), count()
		if c+n < c {
			qvm.Fail("add: the count would overflow")
		}
		qvm.Set("COUNT", strconv.FormatUint(c+n, 10))
		qvm.Event("count %d", c+n)
	case cmd == "get":
		qvm.Event("count %d", count())
	case cmd == "reset":
		owner, ok := qvm.Get("OWNER")
		if !ok || owner != ctx.Sender {
			qvm.Fail("reset: only the owner (%s) can reset", owner)
		}
		qvm.Delete("COUNT")
		qvm.Event("reset")
	case cmd == "whoami":
		qvm.Event("sender %s block %d", ctx.Sender, ctx.BlockNumber)
	default:
		qvm.Fail("usage: construct [START] | add N | get | reset | whoami")
	}
}
