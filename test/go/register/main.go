// A QAN-style register contract: reads two environment variables and prints four lines.
package main

import (
	"fmt"
	"os"
)

func main() {
	user := os.Getenv("QAN_USER")
	name := os.Getenv("QAN_NAME")
	if name == "" {
		name = "anonymous"
	}
	fmt.Printf("DBW=REGISTER_%s=%s\n", user, name)
	fmt.Printf("OUT=registered %s\n", name)
	fmt.Printf("OUT=by %s\n", user)
	fmt.Println("OUT=ok")
}
