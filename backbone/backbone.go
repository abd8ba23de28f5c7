// Package backbone holds the ImageNet networks whose feature maps the
// transfer reads: SqueezeNet 1.1, which ships in the demo, and DenseNet121,
// the paper's. Both are built on package op from a weights.File, so their
// feature maps are differentiable with respect to the input image.
//
// A Network takes the image itself, RGB in [0, 1] as a 3×H×W op.Map, and
// does its own input normalization with differentiable operators, so a
// gradient on its features reaches the image's pixels directly. Its
// features are named taps; DefaultTaps gives the content and style taps the
// transfer starts with.
package backbone

import (
	"fmt"
	"math"
	"sort"

	"github.com/nlpodyssey/spago/mat"

	"sentiment/imaging"
	"sentiment/op"
)

// Network is an ImageNet-trained convolutional network seen as a feature
// extractor with a classifier kept for verification.
type Network interface {
	// Name is the backbone name that the network's weights file carries,
	// such as "squeezenet_v1.1" or "densenet121".
	Name() string
	// Taps lists the names of the feature maps Features can return, from
	// the shallowest to the deepest.
	Taps() []string
	// DefaultTaps is the content tap and the style taps the transfer uses
	// unless told otherwise.
	DefaultTaps() Taps
	// Features runs the network on x, an RGB image with samples in [0, 1]
	// as a 3×H×W map, as far as the deepest of the named taps, and returns
	// those maps. The image must be large enough for the deepest tap (an
	// error says so otherwise). Gradients flow back to x only.
	Features(x op.Map, taps ...string) (Features, error)
	// InputSize is the side of the square image the classifier was
	// trained on (227 for SqueezeNet, 224 for DenseNet).
	InputSize() int
	// Classify returns the probabilities of the network's classes for img,
	// resized (and cropped) as the network was trained.
	Classify(img *imaging.RGB) ([]float32, error)
}

// Taps names a content tap and style taps.
type Taps struct {
	Content string
	Style   []string
}

// Names returns the content tap and then the style taps, each once.
func (t Taps) Names() []string {
	names := []string{t.Content}
	for _, s := range t.Style {
		if s != t.Content {
			names = append(names, s)
		}
	}
	return names
}

// Features holds feature maps by tap name.
type Features map[string]op.Map

// constInput returns img as a 3×H×W map without a gradient, sharing
// img's pixels, for classification.
func constInput(img *imaging.RGB) (op.Map, error) {
	if err := img.Validate(); err != nil {
		return op.Map{}, err
	}
	node := mat.NewDense[float32](mat.WithShape(3, img.W*img.H), mat.WithBacking(img.Pix))
	return op.NewMap(node, 3, img.H, img.W)
}

// features returns the maps of the taps asked for (every tap of all if
// none): forward runs the network, calling tap with each tap's name and
// map in order until tap returns false, which it does once it has them
// all, so that the layers past the deepest are never run.
func features(all, taps []string, forward func(tap func(string, op.Map) bool) error) (Features, error) {
	want, err := tapSet(all, taps)
	if err != nil {
		return nil, err
	}
	out := Features{}
	err = forward(func(name string, m op.Map) bool {
		if want[name] {
			out[name] = m
		}
		return len(out) < len(want)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// tapSet checks the requested tap names against the network's and returns
// them as a set; an empty request means every tap.
func tapSet(all, want []string) (map[string]bool, error) {
	set := map[string]bool{}
	if len(want) == 0 {
		want = all
	}
	for _, w := range want {
		found := false
		for _, a := range all {
			found = found || a == w
		}
		if !found {
			return nil, fmt.Errorf("backbone: no tap %q (taps: %v)", w, all)
		}
		set[w] = true
	}
	return set, nil
}

// softmax returns the probabilities of logits, computed stably.
func softmax(logits []float32) []float32 {
	m := math.Inf(-1)
	for _, v := range logits {
		m = math.Max(m, float64(v))
	}
	out := make([]float32, len(logits))
	var sum float64
	for i, v := range logits {
		e := math.Exp(float64(v) - m)
		out[i] = float32(e)
		sum += e
	}
	for i := range out {
		out[i] = float32(float64(out[i]) / sum)
	}
	return out
}

// TopK returns the indices of the k largest probabilities, the largest
// first (ties by lower index).
func TopK(probs []float32, k int) []int {
	idx := make([]int, len(probs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return probs[idx[a]] > probs[idx[b]] })
	return idx[:max(0, min(k, len(idx)))]
}
