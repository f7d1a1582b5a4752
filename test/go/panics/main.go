// Runtime panics from hardware faults (nil dereference: SIGSEGV; integer division by zero:
// SIGFPE), recovered; a custom panic; then a non-zero exit status.
package main

import (
	"errors"
	"fmt"
	"os"
)

type T struct{ x int }

//go:noinline
func deref(p *T) int { return p.x }

//go:noinline
func div(a, b int) int { return a / b }

func try(name string, f func()) {
	defer func() {
		r := recover()
		if err, ok := r.(error); ok {
			var re interface{ RuntimeError() }
			fmt.Println(name, "recovered:", err, "runtime error:", errors.As(err, &re))
		} else {
			fmt.Println(name, "recovered:", r)
		}
	}()
	f()
}

func main() {
	try("nil", func() { fmt.Println(deref(nil)) })
	try("div", func() { fmt.Println(div(1, 0)) })
	try("index", func() {
		s := []int{1, 2, 3}
		i := 5
		fmt.Println(s[i])
	})
	try("custom", func() { panic("boom") })
	var m map[string]int
	try("nil map", func() { m["x"] = 1 })
	fmt.Println("still running")
	os.Exit(3)
}
