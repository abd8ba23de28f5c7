package backbone

import (
	"slices"
	"strings"
	"testing"

	"sentiment/imaging"
	"sentiment/weights"
)

func TestDenseNet121Params(t *testing.T) {
	// torchvision: sum(p.numel() for p in densenet121().parameters()).
	if got := DenseNet121.Params(); got != 7978856 {
		t.Errorf("DenseNet121 has %d parameters, want 7,978,856", got)
	}
	// And the built network reads exactly the spec's tensors, in the shapes
	// the spec gives (the random file is made from the spec; a network
	// reading another shape would fail to build).
	f := randomDenseNet(DenseNet121, 1)
	net, err := NewDenseNet(DenseNet121, f)
	if err != nil {
		t.Fatal(err)
	}
	if net.Name() != "densenet121" || strings.Join(net.Taps(), " ") != "f1 f2 f3 f4 f5" {
		t.Errorf("%s with taps %v", net.Name(), net.Taps())
	}
	if d := net.DefaultTaps(); d.Content != "f4" || len(d.Style) != 5 {
		t.Errorf("default taps %+v", d)
	}
}

func TestSqueezeNetParams(t *testing.T) {
	f := squeezeNetFile(t)
	if f.Params() != 1235496 {
		t.Errorf("%d parameters", f.Params())
	}
	net, err := NewSqueezeNet(f)
	if err != nil {
		t.Fatal(err)
	}
	d := net.DefaultTaps()
	if net.Name() != SqueezeNetName || d.Content != "fire5" || strings.Join(d.Names(), " ") != "fire5 conv1 fire3 fire4" {
		t.Errorf("%s, default taps %+v", net.Name(), d)
	}
}

func TestOpenRefusesForeignWeights(t *testing.T) {
	tiny := randomDenseNet(tinyDenseNet, 1)
	if _, err := NewSqueezeNet(tiny); err == nil {
		t.Error("SqueezeNet built from DenseNet weights")
	}
	// A tensor of the wrong shape or a missing one is named in the error.
	var ts []*weights.Tensor
	for _, x := range tiny.Tensors {
		switch x.Name {
		case "features.norm0.running_var":
			ts = append(ts, weights.NewFloat32(x.Name, []int{x.Shape[0] + 1}, make([]float32, x.Shape[0]+1)))
		case "classifier.bias":
		default:
			ts = append(ts, x)
		}
	}
	bad, err := weights.NewFile(tinyDenseNet.Name, ts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewDenseNet(tinyDenseNet, bad); err == nil || !strings.Contains(err.Error(), "norm0.running_var") {
		t.Errorf("wrong shape: %v", err)
	}
	cfg := tinyDenseNet
	cfg.Blocks = []int{2, 0}
	if _, err := NewDenseNet(cfg, tiny); err == nil {
		t.Error("empty block accepted")
	}
}

func TestFeaturesRefuseBadInput(t *testing.T) {
	net, err := NewDenseNet(tinyDenseNet, randomDenseNet(tinyDenseNet, 1))
	if err != nil {
		t.Fatal(err)
	}
	small, err := Input(randomImage(20, 20, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Features(small); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("20×20 through f5: %v", err)
	}
	// The shallow taps of a small image are fine.
	if _, err := net.Features(small, "f1", "f2"); err != nil {
		t.Errorf("20×20 through f2: %v", err)
	}
	sq := squeezeNet(t)
	tiny, err := Input(randomImage(12, 40, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sq.Features(tiny, "fire5"); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("12×40 through fire5: %v", err)
	}
	if _, err := sq.Features(tiny, "fire9", "nope"); err == nil {
		t.Error("unknown tap accepted")
	}
}

func TestParseLabels(t *testing.T) {
	l, err := ParseLabels([]byte("background\ncat\ndog\n"), 2)
	if err != nil || strings.Join(l, ",") != "cat,dog" {
		t.Errorf("%v %v", l, err)
	}
	l, err = ParseLabels([]byte("cat\r\ndog"), 2)
	if err != nil || strings.Join(l, ",") != "cat,dog" {
		t.Errorf("%v %v", l, err)
	}
	if _, err := ParseLabels([]byte("a\nb\nc\n"), 2); err == nil {
		t.Error("3 labels for 2 classes accepted")
	}
	real := imagenetLabels(t)
	if real[0] != "tench, Tinca tinca" && !strings.HasPrefix(real[0], "tench") {
		t.Errorf("class 0 is %q", real[0])
	}
}

func TestTopKAndSoftmax(t *testing.T) {
	p := softmax([]float32{1, 3, 2, 3})
	sum := float32(0)
	for _, v := range p {
		sum += v
	}
	if sum < 0.9999 || sum > 1.0001 {
		t.Errorf("softmax sums to %v", sum)
	}
	if got := TopK(p, 3); got[0] != 1 || got[1] != 3 || got[2] != 2 {
		t.Errorf("TopK = %v", got)
	}
	if got := TopK(p, 10); len(got) != 4 {
		t.Errorf("TopK beyond the length: %v", got)
	}
	// Large logits do not overflow.
	if q := softmax([]float32{1000, 0}); q[0] != 1 || q[1] != 0 {
		t.Errorf("softmax of large logits: %v", q)
	}
}

func TestDenseNetClassify(t *testing.T) {
	net, err := NewDenseNet(tinyDenseNet, randomDenseNet(tinyDenseNet, 3))
	if err != nil {
		t.Fatal(err)
	}
	img := randomImage(300, 200, 9)
	probs, err := net.Classify(img)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, p := range probs {
		sum += float64(p)
	}
	if len(probs) != tinyDenseNet.Classes || sum < 0.999 || sum > 1.001 {
		t.Errorf("%d probabilities summing to %v", len(probs), sum)
	}
	// The short side goes to 256, then the central 224 square is kept.
	crop := centerCrop(imaging.Resize(img, 384, 256), 224, 224)
	if crop.W != 224 || crop.H != 224 {
		t.Fatalf("crop %d×%d", crop.W, crop.H)
	}
	if want := probsAsIs(t, net, crop); !slices.Equal(probs, want) {
		t.Fatalf("Classify differs from Logits of the resized central crop: %v vs %v", probs, want)
	}
	// A photo already at the input size is used as it is.
	square := randomImage(224, 224, 10)
	probs, err = net.Classify(square)
	if err != nil {
		t.Fatal(err)
	}
	if want := probsAsIs(t, net, square); !slices.Equal(probs, want) {
		t.Fatalf("a 224×224 image was resampled: %v vs %v", probs, want)
	}
	if _, err := net.Classify(&imaging.RGB{W: 3, H: 3}); err == nil {
		t.Error("invalid image accepted")
	}
}
