// crypto/sha256 (and sha512, hmac, hex) over fixed inputs.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
)

func main() {
	fmt.Println(hex.EncodeToString(sha256.New().Sum(nil)))
	s := sha256.Sum256([]byte("abc"))
	fmt.Println(hex.EncodeToString(s[:]))
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i * 31)
	}
	s = sha256.Sum256(big)
	fmt.Println(hex.EncodeToString(s[:]))
	h := sha256.New()
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(h, "line %d\n", i)
	}
	fmt.Printf("%x\n", h.Sum(nil))
	m := hmac.New(sha256.New, []byte("key"))
	m.Write([]byte("The quick brown fox jumps over the lazy dog"))
	fmt.Printf("%x\n", m.Sum(nil))
	fmt.Printf("%x\n", sha512.Sum512([]byte("abc")))
}
