package look

import (
	"fmt"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
)

// Smoothness returns the scalar node
//
//	xy · Σ_{u~v across cells} |A_u − A_v|² + z · Σ_{u~v across luminance bins} |A_u − A_v|²
//
// over the vertices' affines A of a grid of shape s whose coefficients
// are the node coef (as in Slice): the prior that keeps an optimized look
// a smooth, photographic transform rather than per-cell patches.
func Smoothness(s Shape, coef mat.Tensor, xy, z float64) (mat.Tensor, error) {
	if err := s.checkCoef("smoothness", coef); err != nil {
		return nil, err
	}
	if !(xy >= 0 && z >= 0) {
		return nil, fmt.Errorf("look: smoothness weights %g, %g, want ≥ 0", xy, z)
	}
	return ag.NewOperator(&smoothFn{s: s, coef: coef, w: [3]float64{xy, xy, z}}).Run(), nil
}

type smoothFn struct {
	s    Shape
	coef mat.Tensor
	w    [3]float64 // per axis: x, y, luminance
}

func (f *smoothFn) Operands() []mat.Tensor { return []mat.Tensor{f.coef} }

// edges calls fn with every neighbouring pair of vertices u < v and the
// weight of their axis.
func (f *smoothFn) edges(fn func(u, v int, w float64)) {
	nx, ny, nz := f.s.CX+1, f.s.CY+1, f.s.Bins+1
	for iy := range ny {
		for ix := range nx {
			for iz := range nz {
				u := (iy*nx+ix)*nz + iz
				if ix+1 < nx {
					fn(u, u+nz, f.w[0])
				}
				if iy+1 < ny {
					fn(u, u+nx*nz, f.w[1])
				}
				if iz+1 < nz {
					fn(u, u+1, f.w[2])
				}
			}
		}
	}
}

func (f *smoothFn) Forward() (mat.Tensor, error) {
	c := mat.Data[float32](f.coef.Value())
	var sum float64
	f.edges(func(u, v int, w float64) {
		var s float64
		for j := range 12 {
			d := float64(c[12*u+j]) - float64(c[12*v+j])
			s += d * d
		}
		sum += w * s
	})
	return mat.Scalar(float32(sum)), nil
}

func (f *smoothFn) Backward(gy mat.Tensor) error {
	if !f.coef.RequiresGrad() {
		return nil
	}
	g := float64(mat.Data[float32](gy)[0])
	c := mat.Data[float32](f.coef.Value())
	dc := make([]float32, len(c))
	f.edges(func(u, v int, w float64) {
		for j := range 12 {
			d := float32(2 * g * w * (float64(c[12*u+j]) - float64(c[12*v+j])))
			dc[12*u+j] += d
			dc[12*v+j] -= d
		}
	})
	f.coef.AccGrad(mat.NewDense[float32](mat.WithShape(f.s.Vertices(), 12), mat.WithBacking(dc)))
	return nil
}
