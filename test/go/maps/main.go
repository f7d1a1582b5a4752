// Maps: growth, deletion, iteration (printed sorted), struct keys, map of slices.
package main

import (
	"fmt"
	"sort"
	"strings"
)

type key struct {
	a int
	b string
}

func main() {
	m := map[string]int{}
	for i := 0; i < 100000; i++ {
		m[fmt.Sprintf("k%d", i%7919)] += i
	}
	for i := 0; i < 7919; i += 3 {
		delete(m, fmt.Sprintf("k%d", i))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := 0
	for _, k := range keys {
		h = (h*131 + m[k]) % 1000000007
	}
	fmt.Println("len", len(m), "first", keys[:3], "hash", h)

	sm := map[key][]int{}
	for i := 0; i < 1000; i++ {
		k := key{i % 10, strings.Repeat("x", i%3)}
		sm[k] = append(sm[k], i)
	}
	ks := make([]key, 0)
	for k := range sm {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].a != ks[j].a {
			return ks[i].a < ks[j].a
		}
		return ks[i].b < ks[j].b
	})
	for _, k := range ks[:4] {
		fmt.Println(k.a, k.b, len(sm[k]), sm[k][0])
	}
	im := map[int64]float64{}
	for i := int64(0); i < 50000; i++ {
		im[i*i] = float64(i) / 3
	}
	fmt.Printf("%d %.4f %v\n", len(im), im[49999*49999], im[3] == 0)
}
