package convert

import (
	"fmt"
	"math"
	"strings"

	"sentiment/weights"
)

// Float16 returns f with every float32 tensor rounded to float16, which
// halves the download, except the config.* tensors: an epsilon of 1.001e-5
// is below float16's normal range and would lose digits for no size gain.
// A value beyond float16's range is an error, not an infinity.
func Float16(f *weights.File) (*weights.File, error) {
	out := make([]*weights.Tensor, len(f.Tensors))
	for i, t := range f.Tensors {
		if t.Storage != weights.Float32 || strings.HasPrefix(t.Name, "config.") {
			out[i] = t
			continue
		}
		v := t.Float32()
		for _, x := range v {
			if math.Abs(float64(x)) > 65504 {
				return nil, fmt.Errorf("convert: tensor %s holds %g, beyond float16's range", t.Name, x)
			}
		}
		out[i] = weights.NewFloat16(t.Name, t.Shape, v)
	}
	return weights.NewFile(f.Backbone, out)
}
