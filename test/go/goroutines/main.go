// Goroutines and channels: a worker pool, a pipeline, buffered and unbuffered channels, close.
package main

import "fmt"

func worker(id int, jobs <-chan int, results chan<- [2]int) {
	for j := range jobs {
		h := uint64(j)
		for i := 0; i < 1000; i++ {
			h = h*6364136223846793005 + 1442695040888963407
		}
		results <- [2]int{j, int(h >> 40)}
	}
}

func gen(n int) <-chan int {
	out := make(chan int)
	go func() {
		for i := 1; i <= n; i++ {
			out <- i
		}
		close(out)
	}()
	return out
}

func square(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for v := range in {
			out <- v * v
		}
		close(out)
	}()
	return out
}

func main() {
	jobs := make(chan int, 16)
	results := make(chan [2]int, 16)
	for w := 0; w < 8; w++ {
		go worker(w, jobs, results)
	}
	go func() {
		for j := 0; j < 200; j++ {
			jobs <- j
		}
		close(jobs)
	}()
	byJob := make([]int, 200)
	for i := 0; i < 200; i++ {
		r := <-results
		byJob[r[0]] = r[1]
	}
	sum := 0
	for _, v := range byJob {
		sum = (sum*31 + v) % 1000000007
	}
	fmt.Println("worker pool checksum", sum)

	total := 0
	for v := range square(square(gen(100))) {
		total += v
	}
	fmt.Println("pipeline sum of 4th powers", total)

	// ping-pong over unbuffered channels
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 1000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	_, ok := <-pong
	fmt.Println("ping-pong", v, "closed", !ok)

	// many goroutines
	done := make(chan int)
	for i := 0; i < 1000; i++ {
		go func(i int) { done <- i }(i)
	}
	s := 0
	for i := 0; i < 1000; i++ {
		s += <-done
	}
	fmt.Println("1000 goroutines sum", s)
}
