package engine

import (
	"errors"
	"math"
	"strings"
	"testing"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/look"
	"sentiment/retrieval"
	"sentiment/weights"
)

// TestNetworks: the table lists the networks in order, the default
// first, each found by either of its names; an unknown name is the
// caller's error and names the choices.
func TestNetworks(t *testing.T) {
	var names []string
	for _, n := range Networks() {
		names = append(names, n.Name)
	}
	if len(names) < 2 || names[0] != "squeezenet" || names[1] != "densenet121" {
		t.Errorf("networks %v, want squeezenet, densenet121 first", names)
	}
	for in, want := range map[string]string{
		"squeezenet": backbone.SqueezeNetName, backbone.SqueezeNetName: backbone.SqueezeNetName,
		"densenet121": backbone.DenseNet121.Name,
	} {
		if n, err := Lookup(in); n.Backbone != want || err != nil {
			t.Errorf("Lookup(%q) = %q, %v; want %q", in, n.Backbone, err, want)
		}
	}
	if _, err := Lookup("vgg"); err == nil || !IsBadInput(err) || !strings.Contains(err.Error(), "want squeezenet, densenet121") && !strings.Contains(err.Error(), "want squeezenet or densenet121") {
		t.Errorf("vgg: %v", err)
	}
	for _, n := range Networks() {
		if n.Credits == "" || n.Sources == nil {
			t.Errorf("%s has no credits or no sources", n.Name)
		}
	}
	// A second entry of a name, or one without a default preset, is a bug.
	for _, n := range []Network{
		{Name: "squeezenet", Backbone: "other", Label: "Other", Build: Networks()[0].Build, Presets: Networks()[0].Presets},
		{Name: "other", Backbone: "other", Label: "Other", Build: Networks()[0].Build},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%s) did not panic", n.Name)
				}
			}()
			Register(n)
		}()
	}
	// Weights of a network the table has not are refused by name.
	tiny := backbone.DenseNetConfig{Name: "unregistered-densenet", Growth: 2, Blocks: []int{2, 1}, BNSize: 2, InitFeatures: 4, Classes: 3}
	var ts []*weights.Tensor
	for _, s := range tiny.Spec() {
		n := 1
		for _, d := range s.Shape {
			n *= d
		}
		ts = append(ts, weights.NewFloat32(s.Name, s.Shape, make([]float32, n)))
	}
	f, err := weights.NewFile(tiny.Name, ts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(f); err == nil || !strings.Contains(err.Error(), "unknown backbone") {
		t.Errorf("unregistered weights: %v", err)
	}
}

// TestPreset: an override replaces its field only, a negative one keeps
// the preset's, and Keep is the preset itself.
func TestPreset(t *testing.T) {
	data, man := squeezeNet(t)
	net, err := OpenBytes("", data, man)
	if err != nil {
		t.Fatal(err)
	}
	base := moodPreset(squeezePixels, "fire5", 256)
	if p, err := Preset("default", net, Keep); err != nil || p.Size != base.Size || p.Iterations != base.Iterations || p.Rate != base.Rate {
		t.Errorf("Keep: %+v, %v; want %+v", p, err, base)
	}
	p, err := Preset("default", net, Overrides{Size: 128, Iterations: 0, Start: 0, Beta: -1, Rate: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if p.Size != 128 || p.Iterations != 0 || p.Start != 0 || p.Beta != base.Beta || p.Rate != 0.5 || p.Alpha != base.Alpha {
		t.Errorf("overridden: %+v", p)
	}
	if _, err := Preset("fancy", net, Keep); err == nil || !IsBadInput(err) {
		t.Errorf("unknown preset: %v", err)
	}
	if _, err := OpenBytes("densenet121", data, man); err == nil || !IsBadInput(err) {
		t.Errorf("SqueezeNet's manifest for densenet121: %v", err)
	}
}

// TestConstants: the page's names carry the Go constants, and the sizes
// are ordered as their meanings require.
func TestConstants(t *testing.T) {
	c := Constants()
	for k, want := range map[string]int{
		"minSide": MinSide, "maxSide": MaxSide, "maxPixels": imaging.MaxPixels,
		"workingSize": WorkingSize, "cubeSize": CubeSize, "stripPixels": StripPixels,
		"maxAspect": MaxAspect,
	} {
		if c[k] != want {
			t.Errorf("%s = %d, want %d", k, c[k], want)
		}
	}
	if !(MinSide < WorkingSize && WorkingSize < MaxSide) {
		t.Errorf("sizes out of order: %v", c)
	}
	// The page's hint under the slider says this number: a change of
	// look.ColourLead is a change of what the page tells its users.
	if p := c["colourLeadPercent"]; p != 50 {
		t.Errorf("colour lead %d%%, want 50%% (look.ColourLead %g)", p, look.ColourLead)
	}
	// Whole percent: the page compares the cards' rounded percentages.
	if p := c["poorMatchPercent"]; math.Abs(float64(p)-retrieval.PoorMatch*100) > 1e-9 || p <= 0 {
		t.Errorf("poor match %d%%, want retrieval.PoorMatch %g in whole percent", p, retrieval.PoorMatch)
	}
	if len(c) != 9 {
		t.Errorf("%d constants: %v", len(c), c)
	}
}

// TestClassifyNaN: weights that are all NaN give an error, not NaN
// probabilities.
func TestClassifyNaN(t *testing.T) {
	data, man := squeezeNet(t)
	f, err := weights.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	net, err := OpenBytes("", data, man)
	if err != nil {
		t.Fatal(err)
	}
	img := imaging.NewRGB(227, 227)
	labels := make([]string, 1000)
	top, err := Classify(net, img, labels, 3)
	if err != nil || len(top) != 3 || !(top[0].P >= top[1].P && top[1].P > 0) {
		t.Fatalf("a grey square: %+v, %v", top, err)
	}
	nan := make([]*weights.Tensor, len(f.Tensors))
	for i, tn := range f.Tensors {
		v := make([]float32, tn.Len())
		for j := range v {
			v[j] = float32(math.NaN())
		}
		nan[i] = weights.NewFloat32(tn.Name, tn.Shape, v)
	}
	nf, err := weights.NewFile(f.Backbone, nan)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := Build(nf)
	if err != nil {
		t.Fatal(err)
	}
	if top, err := Classify(bad, img, labels, 3); err == nil || !strings.Contains(err.Error(), "not numbers") {
		t.Errorf("NaN weights classified: %+v", top)
	}
	if _, err := Classify(net, img, labels[:10], 3); err == nil {
		t.Error("10 labels for 1000 classes accepted")
	}
	if _, err := Classify(net, img, labels, 0); !IsBadInput(err) {
		t.Errorf("k = 0: %v", err)
	}
}

// TestElongatedRefused: a photo that reaches the engine as pixels (the
// page's path, with no file header to check) is bounded like a decoded
// one: a 20000×20 strip would cost minutes and gigabytes in a run.
func TestElongatedRefused(t *testing.T) {
	long := imaging.NewRGB(20000, 20)
	err := CheckPhoto("photo", long)
	if !errors.Is(err, imaging.ErrAspect) || !IsBadInput(err) {
		t.Errorf("20000×20 photo: %v", err)
	}
	if _, err := Retrieve(nil, "", long, retrieval.Query{Adjective: "misty"}); !errors.Is(err, imaging.ErrAspect) {
		t.Errorf("retrieval for a 20000×20 photo: %v", err)
	}
	if err := CheckPhoto("photo", imaging.NewRGB(640, 480)); err != nil {
		t.Errorf("640×480 photo: %v", err)
	}
}
