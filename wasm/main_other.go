//go:build !js

// Command wasm is the engine's bridge to JavaScript and exists only for
// GOOS=js GOARCH=wasm: `go run ./cmd/build` compiles it into engine.wasm.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "wasm: build with GOOS=js GOARCH=wasm (go run ./cmd/build does)")
	os.Exit(2)
}
