package backbone

import (
	"testing"

	"github.com/nlpodyssey/spago/mat"

	"sentiment/imaging"
	"sentiment/op"
)

// Input returns img as a 3×H×W map whose gradient is kept: the leaf of a
// graph that differentiates with respect to the image. The map shares
// img's pixels. (The transfer builds its own leaf, an optimizer's
// parameter; only tests need this one.)
func Input(img *imaging.RGB) (op.Map, error) {
	if err := img.Validate(); err != nil {
		return op.Map{}, err
	}
	node := mat.NewDense[float32](mat.WithShape(3, img.W*img.H), mat.WithBacking(img.Pix), mat.WithGrad(true))
	return op.NewMap(node, 3, img.H, img.W)
}

// probsAsIs returns the probabilities net's classifier gives img as it is,
// without the resizing that Classify does.
func probsAsIs(t *testing.T, net interface {
	Logits(op.Map) ([]float32, error)
}, img *imaging.RGB) []float32 {
	t.Helper()
	x, err := constInput(img.Clone())
	if err != nil {
		t.Fatal(err)
	}
	logits, err := net.Logits(x)
	if err != nil {
		t.Fatal(err)
	}
	return softmax(logits)
}
