package op

import (
	"fmt"

	"github.com/nlpodyssey/spago/mat"
)

// Concat stacks maps of the same height and width along channels, in order.
func Concat(xs ...Map) (Map, error) {
	if len(xs) == 0 {
		return Map{}, fmt.Errorf("op: concat of no maps")
	}
	c := 0
	for i, x := range xs {
		if err := x.check(); err != nil {
			return Map{}, fmt.Errorf("op: concat operand %d: %w", i, err)
		}
		if x.H != xs[0].H || x.W != xs[0].W {
			return Map{}, fmt.Errorf("op: concat of maps %v and %v of different sizes", xs[0], x)
		}
		c += x.C
	}
	f := &concatFn{xs: append([]Map(nil), xs...), c: c}
	return newMap(run(f), c, xs[0].H, xs[0].W), nil
}

type concatFn struct {
	xs []Map
	c  int
}

func (f *concatFn) Operands() []mat.Tensor {
	ops := make([]mat.Tensor, len(f.xs))
	for i, x := range f.xs {
		ops[i] = x.Node
	}
	return ops
}

// Forward appends the operands' rows: in the channel-major layout each
// map is one contiguous block.
func (f *concatFn) Forward() (mat.Tensor, error) {
	n := f.xs[0].H * f.xs[0].W
	y := make([]float32, 0, f.c*n)
	for _, x := range f.xs {
		y = append(y, values(x.Node)...)
	}
	return dense(y, f.c, n), nil
}

// Backward hands each operand its block of rows of the gradient, without
// copying: spago copies or adds it into the operand's own gradient.
func (f *concatFn) Backward(gy mat.Tensor) error {
	n := f.xs[0].H * f.xs[0].W
	dy := values(gy)
	off := 0
	for _, x := range f.xs {
		size := x.C * n
		if x.Node.RequiresGrad() {
			accGrad(x.Node, dy[off:off+size], x.C, n)
		}
		off += size
	}
	return nil
}
