package score

import (
	"testing"

	"sentiment/backbone/backbonetest"
	"sentiment/internal/assettest"
	"sentiment/look"
)

// The judge's scale: the input itself has moved 0, the reference 1, and a
// Reinhard colour match toward a night photo in between (it carries
// colour, not texture: measured 0.25 at 128 px, the first tap most, the
// deepest moving away); the same photo at another size has nearly the same
// style.
func TestJudgeOnPhotos(t *testing.T) {
	net := backbonetest.SqueezeNet(t)
	j := NewJudge(net)
	j.Size = 128 // cheap; the scale is what is tested
	in := assettest.Photo(t, "inputs/kodim16.jpg")
	ref := assettest.Photo(t, "refs/kde-darkesthour.jpg")
	matched, err := look.Reinhard(in, ref)
	if err != nil {
		t.Fatal(err)
	}
	si, err := j.Style(in)
	if err != nil {
		t.Fatal(err)
	}
	sr, err := j.Style(ref)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := j.Style(matched)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := StyleMovement(si, si, sr); !ok || m != 0 {
		t.Errorf("the input itself moved %g, %v", m, ok)
	}
	if m, ok := StyleMovement(si, sr, sr); !ok || m != 1 {
		t.Errorf("the reference itself moved %g, %v", m, ok)
	}
	m, ok := StyleMovement(si, sm, sr)
	t.Logf("Reinhard kodim16 → kde-darkesthour: style movement %.3f in %s", m, net.Name())
	if !ok || !(m > 0.1 && m < 1) {
		t.Errorf("Reinhard's style movement %g, %v: want between 0.1 and 1", m, ok)
	}
	j.Size = 160
	s2, err := j.Style(in)
	if err != nil {
		t.Fatal(err)
	}
	if d := Distance(s2, si); !(d < 0.25*Distance(si, sr)) {
		t.Errorf("the input at 160 px is %.3f from itself at 128 px, the reference %.3f", d, Distance(si, sr))
	}
}
