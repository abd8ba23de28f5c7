package op

import (
	"github.com/nlpodyssey/spago/mat"

	"sentiment/gemm"
)

// ReLU returns max(x, 0) elementwise. x must be a valid map (from NewMap or
// an operator); ReLU cannot fail on one.
func ReLU(x Map) Map {
	return newMap(run(&reluFn{x: x.Node}), x.C, x.H, x.W)
}

type reluFn struct {
	x mat.Tensor
	y []float32
}

func (f *reluFn) Operands() []mat.Tensor { return []mat.Tensor{f.x} }

func (f *reluFn) Forward() (mat.Tensor, error) {
	x := values(f.x)
	y := make([]float32, len(x))
	reluTo(y, x)
	f.y = y
	s := f.x.Shape()
	return dense(y, s[0], s[1]), nil
}

// Backward passes the gradient where the output is positive, which is
// exactly where the input is.
func (f *reluFn) Backward(gy mat.Tensor) error {
	if !f.x.RequiresGrad() {
		return nil
	}
	dy := values(gy)
	dx := gemm.Buffer(len(dy))
	defer gemm.Release(dx)
	scaleWherePositive(dx, dy, f.y, 1)
	s := f.x.Shape()
	accGrad(f.x, dx, s[0], s[1])
	return nil
}
