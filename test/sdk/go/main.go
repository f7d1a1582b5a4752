// The Go SDK (sdk/go) as a contract, for test/sdk.test.ts: the commands of test/contracts/sdk_c.c.
package main

import (
	"os"

	"qvm.local/sdk"
)

func b(v bool) int {
	if v {
		return 1
	}
	return 0
}

func main() {
	defer qvm.Flush()
	a := os.Args[1:]
	c := qvm.Ctx()
	switch {
	case len(a) == 1 && a[0] == "ctx":
		qvm.Event("%s %s %s %s %s %d %d %d %d", c.Sender, c.Contract, c.Value, c.TxHash, c.PrevBlockHash, c.BlockNumber, c.BlockTimestamp, c.ChainID, b(c.Initialized))
	case len(a) == 3 && a[0] == "valid":
		qvm.Event("key %d value %d", b(qvm.ValidKey(a[1])), b(qvm.ValidValue(a[2])))
	case len(a) == 2 && a[0] == "get":
		if v, ok := qvm.Get(a[1]); ok {
			qvm.Event("%s=%s", a[1], v)
		} else {
			qvm.Event("%s missing", a[1])
		}
	case len(a) == 3 && a[0] == "set":
		qvm.Set(a[1], a[2])
	case len(a) == 2 && a[0] == "del":
		qvm.Delete(a[1])
	case len(a) == 2 && a[0] == "event":
		qvm.Event("%s", a[1])
	default:
		qvm.Fail("usage: ctx | valid KEY VAL | get KEY | set KEY VAL | del KEY | event TEXT")
	}
}
