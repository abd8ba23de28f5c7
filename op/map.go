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
	m := Map{Node: node, C: c, H: h, W: w}
	if err := m.check(); err != nil {
		return Map{}, err
	}
	return m, nil
}

// check reports whether m is a consistent map: a node whose value is a
// *mat.Dense[float32] of shape (C, H·W). Every operator checks its operands
// with it so that a malformed Map fails with an error, not inside spago.
func (m Map) check() error {
	if m.Node == nil {
		return fmt.Errorf("op: map %v has no node", m)
	}
	if m.C <= 0 || m.H <= 0 || m.W <= 0 {
		return fmt.Errorf("op: map dimensions %v must be positive", m)
	}
	if _, ok := m.Node.Value().(*mat.Dense[float32]); !ok {
		return fmt.Errorf("op: map %v holds a %T, not a *mat.Dense[float32]", m, m.Node.Value())
	}
	s := m.Node.Shape()
	if len(s) != 2 || s[0] != m.C || s[1] != m.H*m.W {
		return fmt.Errorf("op: node of shape %v is not a %v map (want [%d %d])", s, m, m.C, m.H*m.W)
	}
	return nil
}

// Data returns the map's values, channel-major.
func (m Map) Data() []float32 { return mat.Data[float32](m.Node.Value()) }

// String describes the map's shape.
func (m Map) String() string { return fmt.Sprintf("%d×%d×%d", m.C, m.H, m.W) }
