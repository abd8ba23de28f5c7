package op

import (
	"fmt"

	"github.com/nlpodyssey/spago/mat"
)

// Map is a feature map: C channels of H×W, its node's value a
// *mat.Dense[float32] of shape (C, H·W) in channel-major order.
type Map struct {
	Node    mat.Tensor
	C, H, W int
}

// NewMap wraps node as a C×H×W map after checking that its value has the
// matching shape.
func NewMap(node mat.Tensor, c, h, w int) (Map, error) {
	if c <= 0 || h <= 0 || w <= 0 {
		return Map{}, fmt.Errorf("op: map dimensions %d×%d×%d must be positive", c, h, w)
	}
	s := node.Shape()
	if len(s) != 2 || s[0] != c || s[1] != h*w {
		return Map{}, fmt.Errorf("op: node of shape %v is not a %d×%d×%d map (want [%d %d])", s, c, h, w, c, h*w)
	}
	return Map{Node: node, C: c, H: h, W: w}, nil
}

// Data returns the map's values, channel-major.
func (m Map) Data() []float32 { return mat.Data[float32](m.Node.Value()) }

// String describes the map's shape.
func (m Map) String() string { return fmt.Sprintf("%d×%d×%d", m.C, m.H, m.W) }
