package engine

import (
	"fmt"
	"math"

	"sentiment/backbone"
	"sentiment/imaging"
)

// Classes is the number of classes of both backbones' classifiers:
// ImageNet's.
const Classes = 1000

// Class is one of a photo's most likely ImageNet classes.
type Class struct {
	Index int     `json:"index"`
	Label string  `json:"label"`
	P     float64 `json:"p"`
}

// Classify returns the k most likely classes of img under net, the most
// likely first, named by labels (one per class). Probabilities that are
// not numbers mean broken weights and are an error, not an answer.
func Classify(net backbone.Network, img *imaging.RGB, labels []string, k int) ([]Class, error) {
	if k < 1 {
		return nil, badInput(fmt.Errorf("%d classes asked for: ask for at least one", k))
	}
	probs, err := net.Classify(img)
	if err != nil {
		return nil, err
	}
	if len(labels) != len(probs) {
		return nil, fmt.Errorf("%d labels for %d classes", len(labels), len(probs))
	}
	for _, p := range probs {
		if math.IsNaN(float64(p)) || math.IsInf(float64(p), 0) {
			return nil, fmt.Errorf("%s gives probabilities that are not numbers (%g): its weights are broken", net.Name(), p)
		}
	}
	top := backbone.TopK(probs, k)
	out := make([]Class, len(top))
	for i, c := range top {
		out[i] = Class{Index: c, Label: labels[c], P: float64(probs[c])}
	}
	return out, nil
}
