package op

import (
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/mat"
)

// TestStackGrad checks the gradient through conv → affine → ReLU → max
// pool → concat (with a second branch) → Gram → squared distance, the
// shape of a style loss on a backbone.
func TestStackGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 12))
	cin, h, w := 3, 11, 10
	conv1, _ := NewConv(normals(r, 6*cin*9), normals(r, 6), 6, cin, 3, 3, 1, 1)
	aff, _ := NewChannelAffine(normals(r, 6), normals(r, 6))
	conv2, _ := NewConv(normals(r, 4*6), nil, 4, 6, 1, 1, 1, 0)
	conv3, _ := NewConv(normals(r, 5*6*9), nil, 5, 6, 3, 3, 1, 1)
	target := normals(r, 9*9)
	g := func(x Map) (mat.Tensor, []int, error) {
		y, err := conv1.Apply(x)
		if err != nil {
			return nil, nil, err
		}
		y, _ = aff.Apply(y)
		y = ReLU(y)
		var sig []int
		for _, v := range y.Data() {
			if v > 0 {
				sig = append(sig, 1)
			} else {
				sig = append(sig, 0)
			}
		}
		_, arg := directMaxPool(y.Data(), y.C, y.H, y.W, 3, 2, 1)
		sig = append(sig, arg...)
		p, _ := MaxPool(y, 3, 2, 1)
		a, _ := conv2.Apply(p)
		b, _ := conv3.Apply(p)
		cat, _ := Concat(a, b)
		d, err := SquaredDistance(Gram(cat), target)
		return d, sig, err
	}
	checkGrad(t, "stack", g, normals(r, cin*h*w), cin, h, w, 1e-2, 1e-3)
}
