// math/big: factorials, Fibonacci, modular exponentiation, primality, rationals and big floats.
package main

import (
	"fmt"
	"math/big"
)

func main() {
	f := big.NewInt(1)
	for i := int64(2); i <= 100; i++ {
		f.Mul(f, big.NewInt(i))
	}
	fmt.Println("100! =", f)
	a, b := big.NewInt(0), big.NewInt(1)
	for i := 0; i < 500; i++ {
		a.Add(a, b)
		a, b = b, a
	}
	fmt.Println("fib(500) =", a)
	p := new(big.Int)
	p.SetString("170141183460469231731687303715884105727", 10)
	fmt.Println("M127 prime:", p.ProbablyPrime(20))
	e := new(big.Int).Exp(big.NewInt(3), big.NewInt(1000), p)
	fmt.Println("3^1000 mod M127 =", e)
	q, r := new(big.Int).QuoRem(f, p, new(big.Int))
	fmt.Println(q.String()[:20], r)
	x := new(big.Rat).SetFrac64(1, 3)
	y := new(big.Rat).SetFrac64(2, 7)
	fmt.Println(new(big.Rat).Add(x, y), new(big.Rat).Mul(x, y).FloatString(10))
	two := new(big.Float).SetPrec(200).SetInt64(2)
	fmt.Println(new(big.Float).SetPrec(200).Sqrt(two).Text('g', 50))
	g := new(big.Int).GCD(nil, nil, big.NewInt(1071), big.NewInt(462))
	fmt.Println("gcd", g, "hex", f.Text(16)[:16], "bits", f.BitLen())
}
