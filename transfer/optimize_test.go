package transfer

import (
	"context"
	"errors"
	"math"
	"testing"

	"sentiment/backbone/backbonetest"
	"sentiment/imaging"
	"sentiment/internal/assettest"
	"sentiment/look"
	"sentiment/score"
)

// TestRunMovesTowardReference optimizes a real photo toward a contrasting
// reference at a small working size and checks what the method promises:
// the style loss falls, the result keeps the input's structure and takes
// the reference's colour statistics, at the input's full size.
func TestRunMovesTowardReference(t *testing.T) {
	net := backbonetest.SqueezeNet(t)
	in := assettest.Photo(t, "inputs/kodim16.jpg")
	ref := assettest.Photo(t, "refs/lxqt-fog.jpg")
	p := testPreset("pixels")
	p.Size, p.Iterations = 128, 12
	p.Start = 0 // so that the movement is the optimization's own
	p.Rate = 0.01
	var previews, calls int
	res, err := Run(context.Background(), net, in, ref, Options{Preset: p, PreviewEvery: 5}, func(pr Progress) {
		calls++
		if pr.Iteration != calls || pr.Total != p.Iterations {
			t.Errorf("progress %d/%d at call %d", pr.Iteration, pr.Total, calls)
		}
		if pr.Preview != nil {
			previews++
			if pr.Preview.W != 128 {
				t.Errorf("preview is %d×%d, want working size", pr.Preview.W, pr.Preview.H)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 12 || previews != 3 { // at 5, 10 and the last
		t.Errorf("%d progress calls with %d previews, want 12 with 3", calls, previews)
	}
	t.Logf("losses %+v → %+v", res.Start, res.End)
	if !(res.End.Style < res.Start.Style/2) {
		t.Errorf("style loss %g → %g: did not halve", res.Start.Style, res.End.Style)
	}
	out, err := res.Grid.Apply(in, 1)
	if err != nil {
		t.Fatal(err)
	}
	if out.W != in.W || out.H != in.H {
		t.Fatalf("result %d×%d, input %d×%d", out.W, out.H, in.W, in.H)
	}
	sc, err := score.Score(in, out, ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SSIM %.4f, movement %.3f", sc.SSIM, sc.Movement)
	if sc.SSIM < 0.8 {
		t.Errorf("SSIM to the input %.4f < 0.8: structure lost", sc.SSIM)
	}
	if !sc.MovementOK || sc.Movement < 0.2 {
		t.Errorf("colour movement %.3f (ok %v): the look did not move toward the reference", sc.Movement, sc.MovementOK)
	}
	for _, v := range res.Optimized.Pix {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("optimized pixel %g outside [0, 1]", v)
		}
	}
}

func TestRunCancel(t *testing.T) {
	net := backbonetest.SqueezeNet(t)
	in := assettest.Photo(t, "inputs/kodim16.jpg")
	p := testPreset("default")
	p.Size, p.Iterations = 64, 1000
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Run(ctx, net, in, in, Options{Preset: p}, func(Progress) {
		if n++; n == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Fatalf("after cancel at iteration 2: %d iterations, error %v", n, err)
	}
}

func TestRunRejects(t *testing.T) {
	net := backbonetest.SqueezeNet(t)
	in := assettest.Photo(t, "inputs/kodim16.jpg")
	good := testPreset("default")
	for name, mod := range map[string]func(*Preset){
		"unknown tap":   func(p *Preset) { p.Content = "fire42" },
		"weights":       func(p *Preset) { p.Weights = p.Weights[:1] },
		"tiny size":     func(p *Preset) { p.Size = 8 },
		"zero rate":     func(p *Preset) { p.Rate = 0 },
		"bad start":     func(p *Preset) { p.Start = 1.5 },
		"no iterations": func(p *Preset) { p.Iterations = -1 },
		"no lightness":  func(p *Preset) { p.Light = 0 },
		"bad lightness": func(p *Preset) { p.Light = 1.5 },
		"NaN lightness": func(p *Preset) { p.Light = math.NaN() },
	} {
		p := good
		mod(&p)
		if _, err := Run(context.Background(), net, in, in, Options{Preset: p}, nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Run(context.Background(), net, &imaging.RGB{W: 3, H: 3}, in, Options{Preset: good}, nil); err == nil {
		t.Error("broken input accepted")
	}
	// An image of a size the transfer refuses is the caller's error, typed.
	var ie *ImageError
	if _, err := Run(context.Background(), net, in, imaging.NewRGB(300, 8), Options{Preset: good}, nil); !errors.As(err, &ie) || ie.What != "reference" {
		t.Errorf("a reference 8 pixels high: %v", err)
	}
	if _, err := Run(context.Background(), net, imaging.NewRGB(20000, 20), in, Options{Preset: good}, nil); !errors.As(err, &ie) || ie.What != "photo" || !errors.Is(err, imaging.ErrAspect) {
		t.Errorf("a 20000×20 photo: %v", err)
	}
}

// TestRunElongated transfers a strip as elongated as imaging.MaxAspect
// allows: the working image keeps a short side the network can read
// instead of failing in its first layers. One more elongated is refused
// before any work (a 20000×20 strip cost 649 s and 5.2 GB).
func TestRunElongated(t *testing.T) {
	net := backbonetest.SqueezeNet(t)
	in := imaging.Resize(assettest.Photo(t, "inputs/kodim16.jpg"), 50*imaging.MaxAspect, 50)
	p := testPreset("default")
	p.Size, p.Iterations = 64, 2
	res, err := Run(context.Background(), net, in, assettest.Photo(t, "refs/lxqt-fog.jpg"), Options{Preset: p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if min(res.Input.W, res.Input.H) < minWorking || res.Input.W != imaging.MaxAspect*res.Input.H {
		t.Errorf("working image %d×%d", res.Input.W, res.Input.H)
	}
	long := imaging.NewRGB(20000, 20)
	if _, err := Run(context.Background(), net, long, in, Options{Preset: p}, nil); !errors.Is(err, imaging.ErrAspect) {
		t.Errorf("20000×20 photo: %v", err)
	}
}

// With the look as the unknown, every iterate is the input under a smooth
// grid: the result at working size is exactly the grid applied to the
// input (no refit, no texture), and it still moves toward the reference.
func TestRunLook(t *testing.T) {
	net := backbonetest.SqueezeNet(t)
	in := assettest.Photo(t, "inputs/kodim16.jpg")
	ref := assettest.Photo(t, "refs/lxqt-fog.jpg")
	p := testPreset("look")
	if p.Unknown != Look {
		t.Fatalf("the look preset optimizes %s", p.Unknown)
	}
	p.Size, p.Iterations, p.Start = 128, 12, 0
	res, err := Run(context.Background(), net, in, ref, Options{Preset: p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("losses %+v → %+v", res.Start, res.End)
	if !(res.End.Style < res.Start.Style/2) || res.End.Prior <= 0 {
		t.Errorf("style loss %g → %g, prior %g: want the style halved under a working prior", res.Start.Style, res.End.Style, res.End.Prior)
	}
	applied, err := res.Grid.Apply(res.Input, 1)
	if err != nil {
		t.Fatal(err)
	}
	var worst float64
	for i, v := range applied.Pix {
		worst = max(worst, math.Abs(float64(v-res.Optimized.Pix[i])))
	}
	if worst > 1e-5 {
		t.Errorf("the grid applied differs from the optimized image by up to %g", worst)
	}
	out, err := res.Grid.Apply(in, 1)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := score.Score(in, out, ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SSIM %.4f, movement %.3f", sc.SSIM, sc.Movement)
	if !sc.MovementOK || sc.Movement < 0.2 || sc.SSIM < 0.8 {
		t.Errorf("SSIM %.3f, movement %.3f: want the look carried with the structure kept", sc.SSIM, sc.Movement)
	}
	if res.Grid.Global() == nil {
		t.Error("the look has no global curve for its LUT")
	}
}

// Several references give the weighted mean of their Gram matrices as the
// style target.
func TestStyleTargetOfSeveralReferences(t *testing.T) {
	net := backbonetest.SqueezeNet(t)
	p := testPreset("default")
	in := working(assettest.Photo(t, "inputs/kodim16.jpg"), 64)
	a := working(assettest.Photo(t, "refs/lxqt-fog.jpg"), 64)
	b := working(assettest.Photo(t, "refs/kde-darkesthour.jpg"), 64)
	la, err := newLoss(net, p, in, []Weighted{{a, 1}})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := newLoss(net, p, in, []Weighted{{b, 1}})
	if err != nil {
		t.Fatal(err)
	}
	lab, err := newLoss(net, p, in, []Weighted{{a, 1}, {b, 3}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range la.grams {
		for j, v := range lab.grams[i] {
			want := (float64(la.grams[i][j]) + 3*float64(lb.grams[i][j])) / 4
			if math.Abs(float64(v)-want) > 1e-4*math.Abs(want)+1e-6 {
				t.Fatalf("tap %s, entry %d: %g, want %g", p.Style[i], j, v, want)
			}
		}
	}
	if _, err := Run(context.Background(), net, in, a, Options{Preset: p, Extra: []Weighted{{b, -1}}}, nil); err == nil {
		t.Error("Run accepted a negative weight")
	}
}

// A preset's Light keeps that share of the look's lightness change and all
// of its colour: the look of a run at Light 0.5 is the look at Light 1
// mixed so.
func TestRunLight(t *testing.T) {
	net := backbonetest.SqueezeNet(t)
	in := assettest.Photo(t, "inputs/kodim16.jpg")
	ref := assettest.Photo(t, "refs/kde-darkesthour.jpg")
	p := testPreset("default")
	p.Size, p.Iterations = 64, 0
	looks := map[float64]*imaging.RGB{}
	for _, light := range []float64{1, 0.5} {
		p.Light = light
		res, err := Run(context.Background(), net, in, ref, Options{Preset: p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if looks[light], err = res.Grid.Apply(res.Input, 1); err != nil {
			t.Fatal(err)
		}
		if light == 1 {
			m, err := res.Grid.Mixed(look.Mix{Light: 0.5, Colour: 1}).Apply(res.Input, 1)
			if err != nil {
				t.Fatal(err)
			}
			looks[-1] = m
		}
	}
	var d, moved float64
	for i, v := range looks[0.5].Pix {
		d = max(d, math.Abs(float64(v-looks[-1].Pix[i])))
		moved = max(moved, math.Abs(float64(v-looks[1].Pix[i])))
	}
	if d > 1e-5 || moved < 0.05 {
		t.Errorf("Light 0.5 differs from the mixed look by %g and from the whole look by %g", d, moved)
	}
}
