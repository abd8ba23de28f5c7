package op

import (
	"fmt"

	"github.com/nlpodyssey/spago/mat"

	"sentiment/gemm"
)

// SquaredDistance returns the scalar node Σ (x − target)² over all values
// of x, against a constant target of the same size: the content and style
// losses of image optimization. Summing in float64 keeps the loss of a
// large map exact enough to compare between iterations; spago's
// ag.ReduceSum would also need a flattened operand and one node more.
// The target is read, not copied: keep it unchanged while the node is used.
func SquaredDistance(x mat.Tensor, target []float32) (mat.Tensor, error) {
	if x == nil {
		return nil, fmt.Errorf("op: squared distance of a nil node")
	}
	if _, ok := x.Value().(*mat.Dense[float32]); !ok {
		return nil, fmt.Errorf("op: squared distance of a %T, want a *mat.Dense[float32]", x.Value())
	}
	if x.Size() != len(target) {
		return nil, fmt.Errorf("op: squared distance between %d values and a target of %d", x.Size(), len(target))
	}
	return run(&sqDistFn{x: x, target: target}), nil
}

type sqDistFn struct {
	x      mat.Tensor
	target []float32
}

func (f *sqDistFn) Operands() []mat.Tensor { return []mat.Tensor{f.x} }

func (f *sqDistFn) Forward() (mat.Tensor, error) {
	var sum float64
	for i, v := range values(f.x) {
		d := float64(v) - float64(f.target[i])
		sum += d * d
	}
	return mat.Scalar(float32(sum)), nil
}

func (f *sqDistFn) Backward(gy mat.Tensor) error {
	if !f.x.RequiresGrad() {
		return nil
	}
	g := 2 * values(gy)[0]
	x := values(f.x)
	dx := gemm.Buffer(len(x))
	defer gemm.Release(dx)
	scaledDiff(dx, x, f.target, g)
	s := f.x.Shape()
	accGrad(f.x, dx, s[0], s[1])
	return nil
}
