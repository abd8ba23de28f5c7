package backbone

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"sentiment/imaging"
	"sentiment/op"
	"sentiment/weights"
)

// This file checks the networks against a direct implementation written
// here with naive loops in float64, sharing nothing with package op, and
// checks their input gradients against central differences of it.

// fmap is a float64 C×H×W map.
type fmap struct {
	c, h, w int
	v       []float64
}

func newFmap(c, h, w int) fmap { return fmap{c, h, w, make([]float64, c*h*w)} }

func (m fmap) at(c, y, x int) float64 { return m.v[(c*m.h+y)*m.w+x] }

// conv64 is a direct convolution with OIHW weights w and optional bias,
// each weight's contribution added to a whole output plane at a time (the
// order that keeps a real DenseNet121 at 224 px to seconds).
func conv64(x fmap, w, b []float32, cout, k, stride, pad int) fmap {
	oh, ow := (x.h+2*pad-k)/stride+1, (x.w+2*pad-k)/stride+1
	out := newFmap(cout, oh, ow)
	for o := 0; o < cout; o++ {
		plane := out.v[o*oh*ow : (o+1)*oh*ow]
		if b != nil {
			for i := range plane {
				plane[i] = float64(b[o])
			}
		}
		for i := 0; i < x.c; i++ {
			src := x.v[i*x.h*x.w : (i+1)*x.h*x.w]
			for ky := 0; ky < k; ky++ {
				for kx := 0; kx < k; kx++ {
					wv := float64(w[((o*x.c+i)*k+ky)*k+kx])
					if wv == 0 {
						continue
					}
					for oy := 0; oy < oh; oy++ {
						y := oy*stride - pad + ky
						if y < 0 || y >= x.h {
							continue
						}
						row, dst := src[y*x.w:(y+1)*x.w], plane[oy*ow:(oy+1)*ow]
						for ox := range dst {
							if xx := ox*stride - pad + kx; xx >= 0 && xx < x.w {
								dst[ox] += wv * row[xx]
							}
						}
					}
				}
			}
		}
	}
	return out
}

// zeroPad64 surrounds x with p zeros, as Keras's ZeroPadding2D does.
func zeroPad64(x fmap, p int) fmap {
	out := newFmap(x.c, x.h+2*p, x.w+2*p)
	for c := 0; c < x.c; c++ {
		for y := 0; y < x.h; y++ {
			copy(out.v[(c*out.h+y+p)*out.w+p:], x.v[(c*x.h+y)*x.w:(c*x.h+y+1)*x.w])
		}
	}
	return out
}

func relu64(x fmap) fmap {
	out := newFmap(x.c, x.h, x.w)
	for i, v := range x.v {
		out.v[i] = math.Max(v, 0)
	}
	return out
}

// batchNorm64 applies inference batch norm from the named tensors of f
// with torch's epsilon.
func batchNorm64(t testing.TB, x fmap, f *weights.File, name string) fmap {
	return batchNormEps64(t, x, f, name, 1e-5)
}

// batchNormEps64 is batchNorm64 with the given epsilon.
func batchNormEps64(t testing.TB, x fmap, f *weights.File, name string, eps float64) fmap {
	get := func(s string) []float32 {
		v, err := f.Float32(name+"."+s, x.c)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	g, b, m, v := get("weight"), get("bias"), get("running_mean"), get("running_var")
	out := newFmap(x.c, x.h, x.w)
	n := x.h * x.w
	for c := 0; c < x.c; c++ {
		for i := 0; i < n; i++ {
			out.v[c*n+i] = (x.v[c*n+i]-float64(m[c]))/math.Sqrt(float64(v[c])+eps)*float64(g[c]) + float64(b[c])
		}
	}
	return out
}

func maxPool64(x fmap, k, stride, pad int) fmap {
	oh, ow := (x.h+2*pad-k)/stride+1, (x.w+2*pad-k)/stride+1
	out := newFmap(x.c, oh, ow)
	for c := 0; c < x.c; c++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				m := math.Inf(-1)
				for ky := 0; ky < k; ky++ {
					for kx := 0; kx < k; kx++ {
						y, xx := oy*stride-pad+ky, ox*stride-pad+kx
						if y >= 0 && y < x.h && xx >= 0 && xx < x.w {
							m = math.Max(m, x.at(c, y, xx))
						}
					}
				}
				out.v[(c*oh+oy)*ow+ox] = m
			}
		}
	}
	return out
}

func avgPool64(x fmap, k int) fmap {
	oh, ow := (x.h-k)/k+1, (x.w-k)/k+1
	out := newFmap(x.c, oh, ow)
	for c := 0; c < x.c; c++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				s := 0.0
				for ky := 0; ky < k; ky++ {
					for kx := 0; kx < k; kx++ {
						s += x.at(c, oy*k+ky, ox*k+kx)
					}
				}
				out.v[(c*oh+oy)*ow+ox] = s / float64(k*k)
			}
		}
	}
	return out
}

func concat64(a, b fmap) fmap {
	return fmap{a.c + b.c, a.h, a.w, append(append([]float64(nil), a.v...), b.v...)}
}

func weight(t testing.TB, f *weights.File, name string, shape ...int) []float32 {
	w, err := f.Float32(name, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// denseNet64 is torchvision's DenseNet.forward written out directly; it
// returns the five taps and the logits.
func denseNet64(t testing.TB, c DenseNetConfig, f *weights.File, img fmap) ([]fmap, []float64) {
	return denseNetOrigin64(t, c, f, img, false)
}

// denseNetOrigin64 is denseNet64, or with keras Keras Applications'
// DenseNet as its topology states it: batch-norm epsilon 1.001e-5 and
// explicit zero padding before the stem's valid convolution and max pool.
func denseNetOrigin64(t testing.TB, c DenseNetConfig, f *weights.File, img fmap, keras bool) ([]fmap, []float64) {
	eps := 1e-5
	if keras {
		eps = 1.001e-5
	}
	batchNorm64 := func(t testing.TB, x fmap, f *weights.File, name string) fmap {
		return batchNormEps64(t, x, f, name, eps)
	}
	mean, std := [3]float64{0.485, 0.456, 0.406}, [3]float64{0.229, 0.224, 0.225}
	x := newFmap(3, img.h, img.w)
	for i := range x.v {
		ch := i / (img.h * img.w)
		x.v[i] = (img.v[i] - mean[ch]) / std[ch]
	}
	w0 := weight(t, f, "features.conv0.weight", c.InitFeatures, 3, 7, 7)
	if keras {
		x = conv64(zeroPad64(x, 3), w0, nil, c.InitFeatures, 7, 2, 0)
	} else {
		x = conv64(x, w0, nil, c.InitFeatures, 7, 2, 3)
	}
	x = relu64(batchNorm64(t, x, f, "features.norm0"))
	taps := []fmap{x}
	if keras {
		x = maxPool64(zeroPad64(x, 1), 3, 2, 0)
	} else {
		x = maxPool64(x, 3, 2, 1)
	}
	mid := c.BNSize * c.Growth
	for b, layers := range c.Blocks {
		for l := 0; l < layers; l++ {
			p := fmt.Sprintf("features.denseblock%d.denselayer%d", b+1, l+1)
			y := relu64(batchNorm64(t, x, f, p+".norm1"))
			y = conv64(y, weight(t, f, p+".conv1.weight", mid, x.c, 1, 1), nil, mid, 1, 1, 0)
			y = relu64(batchNorm64(t, y, f, p+".norm2"))
			y = conv64(y, weight(t, f, p+".conv2.weight", c.Growth, mid, 3, 3), nil, c.Growth, 3, 1, 1)
			x = concat64(x, y)
		}
		if b == len(c.Blocks)-1 {
			x = relu64(batchNorm64(t, x, f, "features.norm5"))
			taps = append(taps, x)
			break
		}
		p := fmt.Sprintf("features.transition%d", b+1)
		x = relu64(batchNorm64(t, x, f, p+".norm"))
		taps = append(taps, x)
		x = conv64(x, weight(t, f, p+".conv.weight", x.c/2, x.c, 1, 1), nil, x.c/2, 1, 1, 0)
		x = avgPool64(x, 2)
	}
	w := weight(t, f, "classifier.weight", c.Classes, x.c)
	bias := weight(t, f, "classifier.bias", c.Classes)
	logits := make([]float64, c.Classes)
	n := float64(x.h * x.w)
	for o := range logits {
		s := float64(bias[o])
		for ch := 0; ch < x.c; ch++ {
			avg := 0.0
			for i := 0; i < x.h*x.w; i++ {
				avg += x.v[ch*x.h*x.w+i]
			}
			s += float64(w[o*x.c+ch]) * avg / n
		}
		logits[o] = s
	}
	return taps, logits
}

// randomDenseNet returns weights of c's architecture: He-initialized
// convolutions and batch norms with random statistics, so that every
// parameter matters, stored as float16 like converted weights.
func randomDenseNet(c DenseNetConfig, seed uint64) *weights.File {
	rng := rand.New(rand.NewPCG(seed, 1))
	var tensors []*weights.Tensor
	for _, s := range c.Spec() {
		n := 1
		for _, d := range s.Shape {
			n *= d
		}
		v := make([]float32, n)
		fanIn := 1
		for _, d := range s.Shape[1:] {
			fanIn *= d
		}
		for i := range v {
			switch {
			case len(s.Shape) > 1: // conv or classifier weights
				v[i] = float32(rng.NormFloat64() * math.Sqrt(2/float64(fanIn)))
			case strings.HasSuffix(s.Name, ".running_var"):
				v[i] = float32(0.5 + rng.Float64())
			case strings.HasSuffix(s.Name, ".weight"):
				v[i] = float32(0.5 + rng.Float64())
			default: // bias, running_mean
				v[i] = float32(0.2 * (rng.Float64() - 0.5))
			}
		}
		tensors = append(tensors, weights.NewFloat16(s.Name, s.Shape, v))
	}
	f, err := weights.NewFile(c.Name, tensors)
	if err != nil {
		panic(err) // the spec is ours: a bug, not an input error
	}
	return f
}

// tinyDenseNet has every feature of DenseNet121 (several layers per block,
// odd channel counts halved by transitions) at a size a direct
// implementation checks quickly.
var tinyDenseNet = DenseNetConfig{Name: "tiny-densenet", Growth: 4, Blocks: []int{2, 1, 2, 1}, BNSize: 2, InitFeatures: 8, Classes: 10}

func randomImage(w, h int, seed uint64) *imaging.RGB {
	rng := rand.New(rand.NewPCG(seed, 2))
	img := imaging.NewRGB(w, h)
	for i := range img.Pix {
		img.Pix[i] = rng.Float32()
	}
	return img
}

func toFmap(img *imaging.RGB) fmap {
	m := newFmap(3, img.H, img.W)
	for i, v := range img.Pix {
		m.v[i] = float64(v)
	}
	return m
}

// closeTo reports whether got matches want to a tolerance relative to the
// largest magnitude of want (float32 against float64 arithmetic).
func closeTo(t *testing.T, what string, got []float32, want []float64, rel float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	scale := 0.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(v))
	}
	worst := 0.0
	for i := range want {
		worst = math.Max(worst, math.Abs(float64(got[i])-want[i]))
	}
	if worst > rel*scale || scale == 0 {
		t.Errorf("%s: largest difference %.3g against a largest value of %.3g", what, worst, scale)
	}
}

func TestDenseNetMatchesDirect(t *testing.T) {
	f := randomDenseNet(tinyDenseNet, 1)
	net, err := NewDenseNet(tinyDenseNet, f)
	if err != nil {
		t.Fatal(err)
	}
	img := randomImage(40, 48, 3)
	x, err := Input(img)
	if err != nil {
		t.Fatal(err)
	}
	feats, err := net.Features(x)
	if err != nil {
		t.Fatal(err)
	}
	want, wantLogits := denseNet64(t, tinyDenseNet, f, toFmap(img))
	for i, name := range net.Taps() {
		m := feats[name]
		if m.C != want[i].c || m.H != want[i].h || m.W != want[i].w {
			t.Fatalf("%s is %v, want %d×%d×%d", name, m, want[i].c, want[i].h, want[i].w)
		}
		closeTo(t, name, m.Data(), want[i].v, 1e-5)
	}
	logits, err := net.Logits(x)
	if err != nil {
		t.Fatal(err)
	}
	closeTo(t, "logits", logits, wantLogits, 1e-5)

	// Asking for a shallow tap returns only that one.
	only, err := net.Features(x, "f2")
	if err != nil || len(only) != 1 || only["f2"].C != want[1].c {
		t.Errorf("Features(f2) = %v, %v", only, err)
	}
	if _, err := net.Features(x, "conv1"); err == nil {
		t.Error("unknown tap accepted")
	}
}

// lossAndGrad runs Features, sums the squared distances of the maps to
// their targets, and back-propagates to the image.
func lossAndGrad(t *testing.T, net Network, img *imaging.RGB, taps []string, targets map[string][]float32) (float64, []float32) {
	t.Helper()
	x, err := Input(img.Clone())
	if err != nil {
		t.Fatal(err)
	}
	feats, err := net.Features(x, taps...)
	if err != nil {
		t.Fatal(err)
	}
	var loss mat.Tensor
	for _, name := range taps {
		d, err := op.SquaredDistance(feats[name].Node, targets[name])
		if err != nil {
			t.Fatal(err)
		}
		if loss == nil {
			loss = d
		} else {
			loss = ag.Add(loss, d)
		}
	}
	if err := ag.Backward(loss); err != nil {
		t.Fatal(err)
	}
	g := x.Node.Grad()
	if g == nil {
		t.Fatal("no gradient reached the image")
	}
	return float64(loss.Value().Item().F64()), append([]float32(nil), mat.Data[float32](g)...)
}

// checkGradient compares the network's input gradient of Σ‖tap − target‖²
// with central differences of the same loss through the direct float64
// implementation at random pixels.
func checkGradient(t *testing.T, net Network, img *imaging.RGB, taps []string, direct func(fmap) []fmap, probes int) {
	ref := direct(toFmap(img))
	rng := rand.New(rand.NewPCG(7, 7))
	targets := map[string][]float32{}
	for i, name := range taps {
		tg := make([]float32, len(ref[i].v))
		for j, v := range ref[i].v {
			tg[j] = float32(v + rng.NormFloat64()*0.5)
		}
		targets[name] = tg
	}
	loss64 := func(x fmap) float64 {
		s := 0.0
		for i, m := range direct(x) {
			for j, v := range m.v {
				d := v - float64(targets[taps[i]][j])
				s += d * d
			}
		}
		return s
	}
	_, grad := lossAndGrad(t, net, img, taps, targets)
	gmax := 0.0
	for _, g := range grad {
		gmax = math.Max(gmax, math.Abs(float64(g)))
	}
	if gmax == 0 {
		t.Fatal("zero gradient")
	}
	// Small steps: the float64 loss is exact enough, and a larger step can
	// cross a ReLU's kink (seen at 1e-3).
	const h = 1e-5
	x := toFmap(img)
	bad := 0
	for p := 0; p < probes; p++ {
		i := rng.IntN(len(x.v))
		orig := x.v[i]
		x.v[i] = orig + h
		up := loss64(x)
		x.v[i] = orig - h
		down := loss64(x)
		x.v[i] = orig
		fd := (up - down) / (2 * h)
		if d := math.Abs(fd - float64(grad[i])); d > 1e-3*gmax+1e-2*math.Abs(fd) {
			t.Errorf("pixel value %d: gradient %.6g, central difference %.6g", i, grad[i], fd)
			bad++
		}
	}
	t.Logf("%d probes, largest gradient %.3g, %d mismatches", probes, gmax, bad)
}

func TestDenseNetInputGradient(t *testing.T) {
	f := randomDenseNet(tinyDenseNet, 2)
	net, err := NewDenseNet(tinyDenseNet, f)
	if err != nil {
		t.Fatal(err)
	}
	img := randomImage(40, 48, 4)
	taps := net.Taps()
	checkGradient(t, net, img, taps, func(x fmap) []fmap {
		m, _ := denseNet64(t, tinyDenseNet, f, x)
		return m
	}, 40)
}

// squeezeNet64 is SqueezeNet 1.1 as the assets README describes it, on a
// BGR image with the Caffe mean subtracted, through fire5.
func squeezeNet64(t testing.TB, f *weights.File, img fmap) []fmap {
	// RGB in [0, 1] → BGR in 0…255, minus the BGR Caffe mean.
	bgrMean := [3]float64{103.939, 116.779, 123.68}
	x := newFmap(3, img.h, img.w)
	n := img.h * img.w
	for c := 0; c < 3; c++ {
		for i := 0; i < n; i++ {
			x.v[c*n+i] = img.v[(2-c)*n+i]*255 - bgrMean[c]
		}
	}
	conv := func(x fmap, name string, cout, k, stride, pad int) fmap {
		return conv64(x, weight(t, f, name+".weight", cout, x.c, k, k), weight(t, f, name+".bias", cout), cout, k, stride, pad)
	}
	x = relu64(conv(x, "conv1", 64, 3, 2, 0))
	taps := []fmap{x}
	for i, s := range squeezeFires[:4] {
		if i%2 == 0 {
			x = maxPool64(x, 3, 2, 0)
		}
		name := fmt.Sprintf("fire%d", i+2)
		sq := relu64(conv(x, name+".squeeze1x1", s.s, 1, 1, 0))
		x = concat64(relu64(conv(sq, name+".expand1x1", s.e, 1, 1, 0)), relu64(conv(sq, name+".expand3x3", s.e, 3, 1, 1)))
		taps = append(taps, x)
	}
	return taps
}

func TestSqueezeNetMatchesDirect(t *testing.T) {
	net := squeezeNet(t)
	img := randomImage(37, 33, 5)
	x, err := Input(img)
	if err != nil {
		t.Fatal(err)
	}
	taps := []string{"conv1", "fire2", "fire3", "fire4", "fire5"}
	feats, err := net.Features(x, taps...)
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != len(taps) {
		t.Fatalf("%d taps", len(feats))
	}
	want := squeezeNet64(t, squeezeNetFile(t), toFmap(img))
	for i, name := range taps {
		m := feats[name]
		if m.C != want[i].c || m.H != want[i].h || m.W != want[i].w {
			t.Fatalf("%s is %v, want %d×%d×%d", name, m, want[i].c, want[i].h, want[i].w)
		}
		closeTo(t, name, m.Data(), want[i].v, 1e-5)
	}
}

func TestSqueezeNetInputGradient(t *testing.T) {
	net := squeezeNet(t)
	f := squeezeNetFile(t)
	img := randomImage(37, 33, 6)
	taps := []string{"conv1", "fire2", "fire3", "fire4", "fire5"}
	checkGradient(t, net, img, taps, func(x fmap) []fmap { return squeezeNet64(t, f, x) }, 20)
}
