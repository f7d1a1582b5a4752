// fmt and strconv of floats, math functions.
package main

import (
	"fmt"
	"math"
	"strconv"
)

func main() {
	vals := []float64{0, -0.0, 1, -1.5, 3.141592653589793, 1e-310, 2.5e300, 1.0 / 3, 123456789.123456789, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	for _, v := range vals {
		fmt.Printf("%v|%g|%e|%.3f|%8.2f|%x|%s\n", v, v, v, v, v, v, strconv.FormatFloat(v, 'f', -1, 64))
	}
	var f32 float32 = 16777217
	fmt.Println(f32, float32(0.1), float64(float32(0.1)))
	fmt.Println(math.Sqrt(2), math.Exp(1), math.Log(10), math.Sin(1), math.Cos(1), math.Tan(1))
	fmt.Println(math.Pow(2, 0.5), math.Atan2(1, 2), math.Floor(-2.5), math.Round(2.5), math.Trunc(-2.7))
	fmt.Println(math.Mod(7.5, 2), math.Hypot(3, 4), math.Cbrt(27), math.Log2(1024), math.Float64bits(1.1))
	for _, s := range []string{"1e23", "0.1", "-123.456e-7", "inf", "0x1p-2", "1_000.5"} {
		v, err := strconv.ParseFloat(s, 64)
		fmt.Println(s, v, err)
	}
	sum := 0.0
	for i := 1; i <= 1000000; i++ {
		sum += 1 / float64(i) / float64(i)
	}
	fmt.Printf("%.15f %.15f\n", sum, math.Pi*math.Pi/6)
}
