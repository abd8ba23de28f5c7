// Package gemm is the one matrix multiply of the engine: float32, row-major,
// C = A·B with a register-blocked micro-kernel.
//
// A left matrix that is used many times (a convolution's weights) is packed
// once into a Packed value: panels of mr rows, interleaved along k, which
// is the order the micro-kernel reads them. The right matrix is packed per
// call, a block of KC×NC at a time, into panels of nr columns held in
// reusable scratch memory so that repeated products make no garbage.
//
// The micro-kernel comes in two builds. The scalar one (kernel_scalar.go)
// is a 2×4 tile: eight accumulators plus six operands fill the sixteen
// float registers Go's WebAssembly back end holds without spilling. With
// Go 1.27 and GOEXPERIMENT=simd, a WebAssembly build uses kernel_simd.go
// instead, a 4×8 tile of eight Float32x4 accumulators compiled to v128
// instructions, about three times as fast. Both add the products of each
// element in the same order, so they give the same results. Natively,
// large products are split across goroutines; in WebAssembly there is one
// thread and everything runs on it.
package gemm
