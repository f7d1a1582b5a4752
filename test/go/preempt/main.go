// Asynchronous preemption: with one P, goroutines spinning in loops without calls can only be
// interrupted by the runtime's SIGURG (sysmon → tgkill → signal handler rewrites the context).
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

var stop int32

//go:noinline
func spin(n *int64) {
	for atomic.LoadInt32(&stop) == 0 {
		*n++
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	var a, b int64
	go spin(&a)
	go spin(&b)
	time.Sleep(30 * time.Millisecond)
	atomic.StoreInt32(&stop, 1)
	time.Sleep(time.Millisecond)
	fmt.Println("both spinners ran:", a > 0, b > 0)
}
