package backbone

import (
	"math"
	"os"
	"slices"
	"sync"
	"testing"

	"sentiment/assets"
	"sentiment/imaging"
	"sentiment/internal/assetweights"
	"sentiment/weights"
)

var squeeze struct {
	once sync.Once
	file *weights.File
	net  *SqueezeNet
	err  error
}

// squeezeNetFile converts the real SqueezeNet model once per test binary.
func squeezeNetFile(t testing.TB) *weights.File {
	t.Helper()
	squeeze.once.Do(func() {
		if squeeze.file, squeeze.err = assetweights.SqueezeNet(""); squeeze.err == nil {
			squeeze.net, squeeze.err = NewSqueezeNet(squeeze.file)
		}
	})
	if squeeze.err != nil {
		t.Fatal(squeeze.err)
	}
	return squeeze.file
}

// squeezeNet is the network of squeezeNetFile.
func squeezeNet(t testing.TB) *SqueezeNet {
	squeezeNetFile(t)
	return squeeze.net
}

func imagenetLabels(t testing.TB) []string {
	t.Helper()
	path, err := assets.Fetch("", assets.Labels)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := ParseLabels(data, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return labels
}

func decodeAsset(t testing.TB, rel string) *imaging.RGB {
	t.Helper()
	path, err := assets.Path("", rel)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := imaging.DecodeFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestSqueezeNetClassifies runs the demo's check through Classify, which
// resizes with the project's area-averaging resizer.
func TestSqueezeNetClassifies(t *testing.T) {
	net := squeezeNet(t)
	labels := imagenetLabels(t)
	for _, c := range []struct {
		photo, label string
		min          float32
	}{
		{"models/cat.bmp", "Egyptian cat", 0.4},
		{"models/bird.bmp", "chickadee", 0.99},
	} {
		probs, err := net.Classify(decodeAsset(t, c.photo))
		if err != nil {
			t.Fatal(err)
		}
		if len(probs) != 1000 {
			t.Fatalf("%d probabilities", len(probs))
		}
		top := TopK(probs, 3)
		for _, i := range top {
			t.Logf("%s: %-24s %.4f", c.photo, labels[i], probs[i])
		}
		if got := labels[top[0]]; got != c.label || probs[top[0]] < c.min {
			t.Errorf("%s: top-1 %q (%.4f), want %q (at least %.2f)", c.photo, got, probs[top[0]], c.label, c.min)
		}
	}
}

// TestSqueezeNetClassifiesInputSizeAsIs: a photo already at the network's
// input size reaches it without resampling, bit for bit.
func TestSqueezeNetClassifiesInputSizeAsIs(t *testing.T) {
	net := squeezeNet(t)
	img := nearestSquash(decodeAsset(t, "models/cat.bmp"), 227, 227)
	got, err := net.Classify(img)
	if err != nil {
		t.Fatal(err)
	}
	if want := probsAsIs(t, net, img); !slices.Equal(got, want) {
		t.Fatal("Classify of a 227×227 photo differs from the network on the photo as is")
	}
}

// nearestSquash samples img at w×h by nearest neighbour, ignoring its
// aspect: the preprocessing with which the reference scores of
// ../shared/assets/README.md were computed (the project resizes by area
// averaging instead, which shifts the cat's score). Only this test uses it,
// to compare the network itself with those figures.
func nearestSquash(img *imaging.RGB, w, h int) *imaging.RGB {
	out := imaging.NewRGB(w, h)
	for c := 0; c < 3; c++ {
		src, dst := img.Plane(c), out.Plane(c)
		for y := 0; y < h; y++ {
			sy := (2*y + 1) * img.H / (2 * h)
			for x := 0; x < w; x++ {
				dst[y*w+x] = src[sy*img.W+(2*x+1)*img.W/(2*w)]
			}
		}
	}
	return out
}

// TestSqueezeNetReferenceScores matches the scores the assets README gives
// ("Egyptian cat" about 0.46, "chickadee" about 0.9998) with the same
// preprocessing.
func TestSqueezeNetReferenceScores(t *testing.T) {
	net := squeezeNet(t)
	labels := imagenetLabels(t)
	for _, c := range []struct {
		photo, label string
		want, tol    float64
	}{
		{"models/cat.bmp", "Egyptian cat", 0.46, 0.01},
		{"models/bird.bmp", "chickadee", 0.9998, 0.0001},
	} {
		x, err := constInput(nearestSquash(decodeAsset(t, c.photo), 227, 227))
		if err != nil {
			t.Fatal(err)
		}
		logits, err := net.Logits(x)
		if err != nil {
			t.Fatal(err)
		}
		probs := softmax(logits)
		k := TopK(probs, 1)[0]
		t.Logf("%s: %s %.4f", c.photo, labels[k], probs[k])
		if labels[k] != c.label || math.Abs(float64(probs[k])-c.want) > c.tol {
			t.Errorf("%s: top-1 %q (%.4f), want %q (%.4f ± %.4f)", c.photo, labels[k], probs[k], c.label, c.want, c.tol)
		}
	}
}
