package op

import (
	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"sentiment/internal/optime"
)

// timed marks an operator's Forward and Backward with its kind of work,
// in builds with the tag optime (see run).
type timed struct {
	ag.AutoGradFunction
	kind optime.Kind
}

func (t timed) Forward() (mat.Tensor, error) {
	optime.Begin(t.kind)
	defer optime.End()
	return t.AutoGradFunction.Forward()
}

func (t timed) Backward(gy mat.Tensor) error {
	optime.Begin(t.kind)
	defer optime.End()
	return t.AutoGradFunction.Backward(gy)
}

// kindOf returns the kind of work of one of this package's operators.
func kindOf(fn ag.AutoGradFunction) optime.Kind {
	switch fn.(type) {
	case *convFn:
		return optime.Conv
	case *affineFn:
		return optime.BatchNormReLU
	case *reluFn:
		return optime.ReLU
	case *maxPoolFn, *avgPoolFn, *globalAvgPoolFn:
		return optime.Pooling
	case *concatFn:
		return optime.Concat
	case *gramFn:
		return optime.Gram
	case *sqDistFn:
		return optime.Loss
	}
	return optime.Conv
}
