// Package gemm is the one matrix multiply of the engine: float32, row-major,
// C = A·B with a register-blocked micro-kernel.
//
// A left matrix that is used many times (a convolution's weights) is packed
// once into a Packed value: panels of two rows, interleaved along k, which
// is the order the 2×4 micro-kernel reads them. The right matrix is packed
// per call, a block of KC×NC at a time, into panels of four columns held in
// reusable scratch memory so that repeated products make no garbage.
//
// The 2×4 shape keeps eight accumulators plus six operands in registers,
// which is what the WebAssembly back end of Go can hold without spilling;
// it measured fastest there. Natively, large products are split across
// goroutines; in WebAssembly there is one thread and everything runs on it.
package gemm
