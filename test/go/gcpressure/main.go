// GC pressure: allocate and drop hundreds of MB; keep a small live set and check it survives.
package main

import (
	"fmt"
	"runtime"
)

type node struct {
	next *node
	val  [6]int64
}

func main() {
	live := make([][]byte, 0, 16)
	var total int64
	sum := 0
	for i := 0; i < 400; i++ {
		b := make([]byte, 1<<20)
		b[i%len(b)] = byte(i)
		b[len(b)-1] = byte(i * 7)
		total += int64(len(b))
		sum += int(b[len(b)-1])
		if i%40 == 0 {
			live = append(live, b)
		}
	}
	// many small objects in linked lists, most dropped
	var keep *node
	for round := 0; round < 20; round++ {
		var head *node
		for i := 0; i < 20000; i++ {
			head = &node{next: head, val: [6]int64{int64(i), int64(round)}}
		}
		if round%5 == 0 {
			keep = &node{next: keep, val: [6]int64{int64(round)}}
		}
		_ = head
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	k := 0
	for n := keep; n != nil; n = n.next {
		k++
	}
	check := 0
	for _, b := range live {
		check += int(b[len(b)-1])
	}
	fmt.Println("allocated MB", total>>20, "sum", sum, "live", len(live), check, "kept", k)
	fmt.Println("gc ran", ms.NumGC > 0, "heap below 200MB", ms.HeapAlloc < 200<<20)
}
