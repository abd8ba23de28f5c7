// Package op holds the differentiable operators of the engine: convolution,
// batch norm, ReLU, channel concat, pooling, the Gram matrix and the squared
// distance of the losses, each run through spago's ag.NewOperator so that
// they join a spago graph.
//
// # Layout
//
// A feature map of C channels of H×W pixels is a Map: a spago node whose
// value is a *mat.Dense[float32] of shape (C, H·W), channel-major (CHW, a
// batch of one). Rows are channels, so a map is already the C×(H·W) matrix
// whose Gram product the style loss needs, channel concat is appending rows,
// and a convolution is W·im2col(x) with W of shape Cout×(Cin·KH·KW), the
// order of torchvision's OIHW weights.
//
// # Gradients
//
// We optimize images, never weights: every operator propagates gradients to
// its map operand only; weights are constants packed once at construction.
//
// # Errors
//
// spago turns an error returned by Forward or Backward into log.Fatal, which
// would kill a WebAssembly instance. Every constructor and every Apply
// function therefore checks shapes itself and returns an error before
// building a node; Forward and Backward never fail on a node that was built.
//
// # Memory and concurrency
//
// spago runs the backward passes of different nodes concurrently, and one
// operator (a Conv) may appear several times in a graph. Operators are
// therefore immutable after construction; temporary buffers (im2col
// columns, input gradients before spago adds them up) come from
// gemm.Buffer and go back with gemm.Release, so that the hundreds of
// passes of an optimization reuse them instead of making garbage.
package op
