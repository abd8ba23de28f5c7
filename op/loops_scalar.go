//go:build !(goexperiment.simd && wasm)

package op

// The elementwise loops of a scalar build: plain Go (loops.go).

func reluTo(y, x []float32)                            { reluGo(y, x) }
func affineTo(y, x []float32, s, t float32, relu bool) { affineGo(y, x, s, t, relu) }
func scaleTo(d, g []float32, s float32)                { scaleGo(d, g, s) }
func scaleWherePositive(d, g, y []float32, s float32)  { scaleWherePositiveGo(d, g, y, s) }
func scaledDiff(d, x, t []float32, s float32)          { scaledDiffGo(d, x, t, s) }
func colMax(m []float32, row []int32, plane []float32, ld, lo, hi int) {
	colMaxGo(m, row, plane, ld, lo, hi)
}
