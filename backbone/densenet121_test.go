package backbone

import (
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"sentiment/imaging"
	"sentiment/weights"
	"sentiment/weights/convert"
)

// keras holds Keras's DenseNet121 from the assets, converted once per test
// binary, in float32 and as the page ships it (float16).
var keras struct {
	once       sync.Once
	f32, f16   *weights.File
	net, net16 *DenseNet
	err        error
}

func kerasDenseNet(t testing.TB) (*weights.File, *DenseNet) {
	t.Helper()
	keras.once.Do(func() {
		var err error
		if keras.f32, err = convert.DenseNet121(""); err != nil {
			keras.err = err
			return
		}
		if keras.f16, err = convert.Float16(keras.f32); err != nil {
			keras.err = err
			return
		}
		if keras.net, err = NewDenseNet(DenseNet121, keras.f32); err != nil {
			keras.err = err
			return
		}
		keras.net16, keras.err = NewDenseNet(DenseNet121, keras.f16)
	})
	if keras.err != nil {
		t.Fatal(keras.err)
	}
	return keras.f32, keras.net
}

// TestDenseNet121Classifies has the assets README's check: the photos
// resized to 224×224 give "Egyptian cat" (≈ 0.80) and "chickadee"
// (≈ 0.99), with the float32 weights and with the page's float16 ones,
// whose effect on the probabilities it reports.
func TestDenseNet121Classifies(t *testing.T) {
	_, net := kerasDenseNet(t)
	labels := imagenetLabels(t)
	worst := 0.0
	for _, c := range []struct {
		photo, label string
		want, tol    float64
	}{
		// The README's ≈ 0.80 comes from another resizer; area averaging
		// gives 0.780.
		{"models/cat.bmp", "Egyptian cat", 0.80, 0.03},
		{"models/bird.bmp", "chickadee", 0.99, 0.01},
	} {
		img := imaging.Resize(decodeAsset(t, c.photo), 224, 224)
		probs, err := net.Classify(img)
		if err != nil {
			t.Fatal(err)
		}
		k := TopK(probs, 1)[0]
		t.Logf("%s: %s %.4f", c.photo, labels[k], probs[k])
		if labels[k] != c.label || math.Abs(float64(probs[k])-c.want) > c.tol {
			t.Errorf("%s: top-1 %q (%.4f), want %q (%.2f ± %.2f)", c.photo, labels[k], probs[k], c.label, c.want, c.tol)
		}
		half, err := keras.net16.Classify(img)
		if err != nil {
			t.Fatal(err)
		}
		d := 0.0
		for i := range probs {
			d = math.Max(d, math.Abs(float64(half[i])-float64(probs[i])))
		}
		t.Logf("%s: float16 weights: top-1 %s %.4f, largest probability difference %.2g", c.photo, labels[TopK(half, 1)[0]], half[TopK(half, 1)[0]], d)
		if TopK(half, 1)[0] != k || d > 0.01 {
			t.Errorf("%s: float16 weights move the probabilities by up to %.3g (top-1 %d, float32's %d)", c.photo, d, TopK(half, 1)[0], k)
		}
		worst = math.Max(worst, d)
	}
	t.Logf("float16 rounding: probabilities within %.2g of float32's", worst)
}

// TestDenseNet121MatchesReference runs the float64 reference, written as
// Keras's topology states it (explicit zero padding, epsilon 1.001e-5),
// on the real weights: every tap to 1e-3 of its largest value and the
// probabilities to 1e-4. Natively on both photos at 224 px; in
// WebAssembly, where the reference's loops run several times slower, on
// the cat at 128 px.
func TestDenseNet121MatchesReference(t *testing.T) {
	f, net := kerasDenseNet(t)
	photos, side := []string{"models/cat.bmp", "models/bird.bmp"}, 224
	if runtime.GOARCH == "wasm" {
		photos, side = photos[:1], 128
	}
	for _, photo := range photos {
		img := imaging.Resize(decodeAsset(t, photo), side, side)
		x, err := constInput(img)
		if err != nil {
			t.Fatal(err)
		}
		feats, err := net.Features(x)
		if err != nil {
			t.Fatal(err)
		}
		logits, err := net.Logits(x)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		want, wantLogits := denseNetOrigin64(t, DenseNet121, f, toFmap(img), true)
		t.Logf("%s at %d px: reference in %v", photo, side, time.Since(start).Round(time.Millisecond))
		for i, name := range net.Taps() {
			m := feats[name]
			if m.C != want[i].c || m.H != want[i].h || m.W != want[i].w {
				t.Fatalf("%s is %v, want %d×%d×%d", name, m, want[i].c, want[i].h, want[i].w)
			}
			closeTo(t, photo+" "+name, m.Data(), want[i].v, 1e-3)
		}
		probs, wantProbs := softmax(logits), softmax64(wantLogits)
		d := 0.0
		for i := range probs {
			d = math.Max(d, math.Abs(float64(probs[i])-wantProbs[i]))
		}
		t.Logf("%s at %d px: probabilities within %.2g of the reference's", photo, side, d)
		if d > 1e-4 {
			t.Errorf("%s: probabilities differ from the reference's by up to %.3g", photo, d)
		}
	}
}

// softmax64 is softmax in float64.
func softmax64(logits []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range logits {
		m = math.Max(m, v)
	}
	out := make([]float64, len(logits))
	sum := 0.0
	for i, v := range logits {
		out[i] = math.Exp(v - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// TestDenseNetConfigTensors checks that the file's config tensors reach the
// network (a different epsilon and input normalization change the output
// exactly as the reference's) and that bad values are refused.
func TestDenseNetConfigTensors(t *testing.T) {
	base := randomDenseNet(tinyDenseNet, 4)
	with := func(extra ...*weights.Tensor) *weights.File {
		f, err := weights.NewFile(base.Backbone, append(append([]*weights.Tensor(nil), base.Tensors...), extra...))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	img := randomImage(40, 40, 5)
	x, _ := constInput(img)
	// Epsilon 0.5 instead of 1e-5: the reference with that epsilon.
	f := with(weights.NewFloat32(weights.ConfigBatchNormEps, []int{1}, []float32{0.5}))
	net, err := NewDenseNet(tinyDenseNet, f)
	if err != nil {
		t.Fatal(err)
	}
	logits, err := net.Logits(x)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := NewDenseNet(tinyDenseNet, base)
	plainLogits, _ := plain.Logits(x)
	if math.Abs(float64(logits[0]-plainLogits[0])) < 1e-3 {
		t.Errorf("epsilon 0.5 left the logits as they were: %v vs %v", logits[:2], plainLogits[:2])
	}
	// Mean 0 and std 1: the reference on the image itself, which equals
	// the standard reference on the image scaled as the standard
	// normalization would undo.
	f = with(weights.NewFloat32(weights.ConfigInputMean, []int{3}, []float32{0, 0, 0}), weights.NewFloat32(weights.ConfigInputStd, []int{3}, []float32{1, 1, 1}))
	net, err = NewDenseNet(tinyDenseNet, f)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := net.Logits(x)
	mean, std := [3]float64{0.485, 0.456, 0.406}, [3]float64{0.229, 0.224, 0.225}
	pre := toFmap(img)
	for i := range pre.v {
		c := i / (img.W * img.H)
		pre.v[i] = pre.v[i]*std[c] + mean[c]
	}
	_, want := denseNet64(t, tinyDenseNet, base, pre)
	closeTo(t, "logits with identity normalization", got, want, 1e-4)

	for name, bad := range map[string]*weights.Tensor{
		"zero epsilon": weights.NewFloat32(weights.ConfigBatchNormEps, []int{1}, []float32{0}),
		"NaN std":      weights.NewFloat32(weights.ConfigInputStd, []int{3}, []float32{1, float32(math.NaN()), 1}),
		"short mean":   weights.NewFloat32(weights.ConfigInputMean, []int{2}, []float32{0, 0}),
	} {
		if _, err := NewDenseNet(tinyDenseNet, with(bad)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}
