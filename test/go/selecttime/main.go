// select with time.After, time.Sleep in goroutines, timers, tickers, and elapsed time.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("impossible")
	case <-time.After(50 * time.Millisecond):
		fmt.Println("timeout after 50ms")
	}

	// sleep sort: wake-up order follows the durations
	out := make(chan int)
	for _, d := range []int{30, 10, 50, 20, 40} {
		go func(d int) {
			time.Sleep(time.Duration(d) * time.Millisecond)
			out <- d
		}(d)
	}
	for i := 0; i < 5; i++ {
		fmt.Print(<-out, " ")
	}
	fmt.Println()

	// a value arrives before the timeout
	fast := make(chan string)
	go func() {
		time.Sleep(5 * time.Millisecond)
		fast <- "value"
	}()
	select {
	case v := <-fast:
		fmt.Println("got", v)
	case <-time.After(time.Second):
		fmt.Println("timeout")
	}

	tk := time.NewTicker(10 * time.Millisecond)
	n := 0
	for range tk.C {
		n++
		if n == 5 {
			break
		}
	}
	tk.Stop()
	fmt.Println("ticks", n)

	t := time.NewTimer(time.Hour)
	fmt.Println("stopped timer", t.Stop())

	el := time.Since(start)
	fmt.Println("elapsed at least 150ms:", el >= 150*time.Millisecond, "less than 10s:", el < 10*time.Second)
}
