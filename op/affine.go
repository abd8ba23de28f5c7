package op

import (
	"fmt"
	"math"

	"github.com/nlpodyssey/spago/mat"

	"sentiment/gemm"
)

// ChannelAffine scales and shifts each channel: y = scale[c]·x + shift[c].
// It is batch norm in inference form and also input normalization
// (ImageNet mean and standard deviation, or a Caffe mean).
type ChannelAffine struct {
	scale, shift []float32
}

// NewChannelAffine returns the per-channel affine map with the given scale
// and shift, which must have one value per channel. They are copied.
func NewChannelAffine(scale, shift []float32) (*ChannelAffine, error) {
	if len(scale) == 0 || len(scale) != len(shift) {
		return nil, fmt.Errorf("op: channel affine has %d scales and %d shifts, want the same positive number", len(scale), len(shift))
	}
	return &ChannelAffine{
		scale: append([]float32(nil), scale...),
		shift: append([]float32(nil), shift...),
	}, nil
}

// BatchNormAffine folds inference-mode batch norm,
// y = gamma·(x − mean)/sqrt(variance + eps) + beta, into a ChannelAffine.
func BatchNormAffine(gamma, beta, mean, variance []float32, eps float32) (*ChannelAffine, error) {
	c := len(gamma)
	if c == 0 || len(beta) != c || len(mean) != c || len(variance) != c {
		return nil, fmt.Errorf("op: batch norm has %d gammas, %d betas, %d means, %d variances; want the same positive number",
			len(gamma), len(beta), len(mean), len(variance))
	}
	scale := make([]float32, c)
	shift := make([]float32, c)
	for i := range scale {
		v := float64(variance[i]) + float64(eps)
		if !(v > 0) {
			return nil, fmt.Errorf("op: batch norm channel %d: variance %g + eps %g is not positive", i, variance[i], eps)
		}
		s := float64(gamma[i]) / math.Sqrt(v)
		scale[i] = float32(s)
		shift[i] = float32(float64(beta[i]) - float64(mean[i])*s)
	}
	return &ChannelAffine{scale: scale, shift: shift}, nil
}

// Apply maps each channel of x, which must have one channel per scale.
func (a *ChannelAffine) Apply(x Map) (Map, error) { return a.apply(x, false) }

// ApplyReLU is ReLU(a.Apply(x)) in one operator: batch norm followed by
// ReLU, as everywhere in DenseNet, without the intermediate map and its
// gradient, and with one pass over the data instead of two.
func (a *ChannelAffine) ApplyReLU(x Map) (Map, error) { return a.apply(x, true) }

func (a *ChannelAffine) apply(x Map, relu bool) (Map, error) {
	if err := x.check(); err != nil {
		return Map{}, err
	}
	if x.C != len(a.scale) {
		return Map{}, fmt.Errorf("op: channel affine of %d channels applied to map %v", len(a.scale), x)
	}
	return newMap(run(&affineFn{a: a, x: x, relu: relu}), x.C, x.H, x.W), nil
}

type affineFn struct {
	a    *ChannelAffine
	x    Map
	relu bool
	y    []float32 // the output, for the ReLU's gradient
}

func (f *affineFn) Operands() []mat.Tensor { return []mat.Tensor{f.x.Node} }

func (f *affineFn) Forward() (mat.Tensor, error) {
	n := f.x.H * f.x.W
	x := values(f.x.Node)
	y := make([]float32, len(x))
	for c, s := range f.a.scale {
		t := f.a.shift[c]
		affineTo(y[c*n:(c+1)*n], x[c*n:(c+1)*n], s, t, f.relu)
	}
	f.y = y
	return dense(y, f.x.C, n), nil
}

func (f *affineFn) Backward(gy mat.Tensor) error {
	if !f.x.Node.RequiresGrad() {
		return nil
	}
	n := f.x.H * f.x.W
	dy := values(gy)
	dx := gemm.Buffer(len(dy))
	defer gemm.Release(dx)
	for c, s := range f.a.scale {
		dr, gr := dx[c*n:(c+1)*n], dy[c*n:(c+1)*n]
		if f.relu {
			scaleWherePositive(dr, gr, f.y[c*n:(c+1)*n], s)
		} else {
			scaleTo(dr, gr, s)
		}
	}
	accGrad(f.x.Node, dx, f.x.C, n)
	return nil
}
