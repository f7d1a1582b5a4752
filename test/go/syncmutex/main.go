// sync.WaitGroup, sync.Mutex, sync.RWMutex, sync.Once, sync/atomic and sync.Cond.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	counter := 0
	var atom int64
	var once sync.Once
	onceRuns := 0
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			once.Do(func() { onceRuns++ })
			for i := 0; i < 5000; i++ {
				mu.Lock()
				counter += g
				mu.Unlock()
				atomic.AddInt64(&atom, 1)
			}
		}(g)
	}
	wg.Wait()
	fmt.Println("counter", counter, "atomic", atomic.LoadInt64(&atom), "once", onceRuns)

	var rw sync.RWMutex
	m := map[int]int{}
	var wg2 sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg2.Add(1)
		go func(w int) {
			defer wg2.Done()
			for i := 0; i < 250; i++ {
				rw.Lock()
				m[w*1000+i] = i
				rw.Unlock()
				rw.RLock()
				_ = m[i]
				rw.RUnlock()
			}
		}(w)
	}
	wg2.Wait()
	fmt.Println("rwmutex map size", len(m))

	// condition variable: strict alternation
	var cmu sync.Mutex
	cond := sync.NewCond(&cmu)
	turn := 0
	log := make([]byte, 0, 64)
	var wg3 sync.WaitGroup
	for p := 0; p < 2; p++ {
		wg3.Add(1)
		go func(p int) {
			defer wg3.Done()
			for i := 0; i < 10; i++ {
				cmu.Lock()
				for turn != p {
					cond.Wait()
				}
				log = append(log, byte('A'+p))
				turn = 1 - p
				cond.Broadcast()
				cmu.Unlock()
			}
		}(p)
	}
	wg3.Wait()
	fmt.Println("cond", string(log))
}
