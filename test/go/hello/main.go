// The smallest Go program: the runtime starts its threads (sysmon), then main prints.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("hello from go", len(os.Args))
}
