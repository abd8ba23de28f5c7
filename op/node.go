package op

import (
	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"sentiment/internal/optime"
)

// run builds the graph node of fn and computes its value now.
func run(fn ag.AutoGradFunction) mat.Tensor {
	if optime.Enabled {
		fn = timed{fn, kindOf(fn)}
	}
	return ag.NewOperator(fn).Run()
}

// dense wraps data as a rows×cols value without copying it.
func dense(data []float32, rows, cols int) *mat.Dense[float32] {
	return mat.NewDense[float32](mat.WithShape(rows, cols), mat.WithBacking(data))
}

// values returns the float32 values of a node (no copy).
func values(t mat.Tensor) []float32 { return mat.Data[float32](t.Value()) }

// accGrad adds the rows×cols gradient in data to node's gradient. spago
// copies or adds it before returning, so data may be scratch memory that is
// reused right after.
func accGrad(node mat.Tensor, data []float32, rows, cols int) {
	node.AccGrad(dense(data, rows, cols))
}

// newMap wraps the value of an operator node as a map.
func newMap(node mat.Tensor, c, h, w int) Map { return Map{Node: node, C: c, H: h, W: w} }
