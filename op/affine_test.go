package op

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestChannelAffine(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	c, h, w := 3, 5, 7
	scale, shift := normals(r, c), normals(r, c)
	a, err := NewChannelAffine(scale, shift)
	if err != nil {
		t.Fatal(err)
	}
	x := normals(r, c*h*w)
	y, err := a.Apply(leaf(t, x, c, h, w, false))
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, len(x))
	for i, v := range x {
		ch := i / (h * w)
		want[i] = float64(scale[ch])*float64(v) + float64(shift[ch])
	}
	closeTo(t, "affine", y.Data(), want, 1e-6)
	checkGrad(t, "affine", mapOf(a.Apply), x, c, h, w, 1e-2, 1e-3)

	// Fused with ReLU: the same as the two operators in turn.
	yr, err := a.ApplyReLU(leaf(t, x, c, h, w, false))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		want[i] = max(want[i], 0)
	}
	closeTo(t, "affine + ReLU", yr.Data(), want, 1e-6)
	checkGrad(t, "affine + ReLU", signed(a.ApplyReLU), x, c, h, w, 1e-3, 1e-3)

	if _, err := a.Apply(leaf(t, x[:2*h*w], 2, h, w, false)); err == nil {
		t.Error("a 3-channel affine accepted a 2-channel map")
	}
	if _, err := NewChannelAffine(scale, shift[:2]); err == nil {
		t.Error("NewChannelAffine accepted 3 scales and 2 shifts")
	}
}

func TestBatchNormAffine(t *testing.T) {
	gamma := []float32{2, 0.5}
	beta := []float32{1, -1}
	mean := []float32{3, -2}
	variance := []float32{4, 0.25}
	const eps = 1e-5
	a, err := BatchNormAffine(gamma, beta, mean, variance, eps)
	if err != nil {
		t.Fatal(err)
	}
	x := []float32{5, -1, 0, 7}
	y, err := a.Apply(leaf(t, x, 2, 1, 2, false))
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, 4)
	for i, v := range x {
		c := i / 2
		want[i] = float64(gamma[c])*(float64(v)-float64(mean[c]))/math.Sqrt(float64(variance[c])+eps) + float64(beta[c])
	}
	closeTo(t, "batch norm", y.Data(), want, 1e-6)
	if _, err := BatchNormAffine(gamma, beta, mean, []float32{1, -1}, 0); err == nil {
		t.Error("BatchNormAffine accepted a negative variance")
	}
	if _, err := BatchNormAffine(gamma, beta[:1], mean, variance, eps); err == nil {
		t.Error("BatchNormAffine accepted mismatched lengths")
	}
}
