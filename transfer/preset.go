package transfer

import (
	"fmt"

	"sentiment/backbone"
	"sentiment/look"
)

// Preset is a complete setting of the optimization: which feature maps it
// reads, how the loss weighs them, and how long and fast Adam runs.
//
// The loss is
//
//	L = Alpha · mean((f_c(x) − f_c(input))²)
//	  + Beta · Σᵢ wᵢ · Σ((G(fᵢ(x)) − G(fᵢ(ref)))²) [/ Cᵢ² with StyleMean]
//
// with G(f) = f·fᵀ / (C·H·W) for f of shape C×(H·W). The content term is a
// mean and the Gram matrix is normalized by the map's size, so the loss of
// an image does not grow with its pixel count: a preset means the same at
// any working size. With StyleMean these are the normalizations of
// PyTorch's neural-style tutorial, whose α = 1, β = 10⁶ the paper reports;
// without it the style sums are CS231n's, whose per-layer weights assume
// sums.
type Preset struct {
	Name string
	// Unknown is what the optimization changes: the look (a grid of
	// local colour transforms) or the pixels.
	Unknown Unknown
	// Smooth and LumSmooth weigh the look's smoothness prior
	// (look.Smoothness) across cells and across luminance bins.
	Smooth, LumSmooth float64
	// Contrast weighs the look's prior toward keeping local contrast
	// (look.Contrast).
	Contrast float64
	// Cell, if positive, is the look's cell size in working-size pixels
	// instead of the grid configuration's (Look only).
	Cell int
	// Content is the content tap; Style the style taps with their
	// Weights (wᵢ, same length).
	Content string
	Style   []string
	Weights []float64
	Alpha   float64
	Beta    float64
	// StyleMean averages each style term over its C² Gram entries instead
	// of summing them.
	StyleMean bool
	// Iterations of Adam, with step size Rate in units of the unknown:
	// pixel values ([0, 1]) or the look's affine coefficients.
	Iterations int
	Rate       float64
	// Size is the long side of the working size, in pixels.
	Size int
	// Start is how much of the global CIELAB colour match to the reference
	// (Reinhard et al. 2001) the first iterate has: 0 starts from the input
	// itself, 1 from the full match; between, the two are blended.
	Start float64
	// Light is how much of the optimized change of lightness the look
	// keeps (its colour it keeps whole), above 0 and at most 1: 1 keeps
	// all of it. Lightness is
	// where a photo's structure goes (see look.Mix), and the last part of
	// a reference's lightness costs the most of it.
	Light float64
	// Strength is how much of the look a user gets unless they choose
	// (look.Grid.Apply's strength, 0 to 1: the engine checks it where it
	// is applied).
	Strength float64
	// Mood, if set, starts from the photo graded toward the mood's light
	// (look.Target with these settings, then look.NewGrade) instead of
	// from Reinhard's match (Start is then unused): a mood as light —
	// white balance, tone, haze, saturation — estimated from the mood's
	// references, rather than one reference's colour statistics.
	Mood *look.Settings
	// Place, if set, then places the reference's regional light on the
	// graded photo by the network's features (Place).
	Place *Placement
	// Guard, if set, holds the result to look.DefaultGuard before its
	// look is fitted: skin, vivid colours and neutral surfaces keep what
	// they are.
	Guard bool
}

// Paper is the paper's setting on net: equal weights over the network's
// style taps (DenseNet121's five pooling stages), content at its content
// tap (f4), α = 1, β = 10⁶ on style means, 500 iterations of 0.01 at
// 256 px, starting from the input. Every network has it; the networks'
// own presets are in the engine's table of networks (engine.Network).
func Paper(net backbone.Network) Preset {
	taps := net.DefaultTaps()
	w := make([]float64, len(taps.Style))
	for i := range w {
		w[i] = 1 / float64(len(w))
	}
	return Preset{
		Name: "paper", Content: taps.Content, Style: taps.Style, Weights: w,
		Unknown: Pixels, Alpha: 1, Beta: 1e6, StyleMean: true, Iterations: 500, Rate: 0.01, Size: 256, Start: 0, Light: 1, Strength: 1,
	}
}

// The ranges of a preset's settings that a run accepts, for front ends
// that check a user's values before any work.
const (
	// MinSize and MaxSize bound Size, the working size's long side.
	MinSize, MaxSize = 32, 2048
	// MaxIterations bounds Iterations (0 runs none: the first iterate).
	MaxIterations = 10000
	// MaxRate bounds Rate, above 0: a step of a whole pixel range.
	MaxRate = 1.0
	// MaxWeight bounds the loss's weights (Alpha, Beta, the style taps')
	// and the look's priors, each at least 0: the presets' are at most
	// 10⁶.
	MaxWeight = 1e12
)

// weight reports whether v is a weight within [0, MaxWeight].
func weight(v float64) bool { return v >= 0 && v <= MaxWeight }

func (p Preset) validate(net backbone.Network) error {
	if len(p.Style) != len(p.Weights) || len(p.Style) == 0 {
		return fmt.Errorf("transfer: preset %q has %d style taps and %d weights", p.Name, len(p.Style), len(p.Weights))
	}
	if p.Iterations < 0 || p.Iterations > MaxIterations {
		return fmt.Errorf("transfer: %d iterations, want 0 to %d", p.Iterations, MaxIterations)
	}
	if p.Size < MinSize || p.Size > MaxSize {
		return fmt.Errorf("transfer: working size %d, want %d to %d", p.Size, MinSize, MaxSize)
	}
	if !(p.Rate > 0 && p.Rate <= MaxRate) {
		return fmt.Errorf("transfer: step size %g, want above 0 and at most %g", p.Rate, MaxRate)
	}
	for _, w := range append([]float64{p.Alpha, p.Beta}, p.Weights...) {
		if !weight(w) {
			return fmt.Errorf("transfer: preset %q weighs a loss term %g, want 0 to %g", p.Name, w, MaxWeight)
		}
	}
	if p.Unknown != Pixels && p.Unknown != Look {
		return fmt.Errorf("transfer: preset %q optimizes %q, want %q or %q", p.Name, p.Unknown, Pixels, Look)
	}
	if !(weight(p.Smooth) && weight(p.LumSmooth) && weight(p.Contrast)) {
		return fmt.Errorf("transfer: look priors %g, %g, %g, want 0 to %g", p.Smooth, p.LumSmooth, p.Contrast, MaxWeight)
	}
	if p.Cell < 0 || p.Cell > p.Size {
		return fmt.Errorf("transfer: look cells of %d pixels at a working size of %d", p.Cell, p.Size)
	}
	// 0 is refused rather than taken to drop all lightness: a preset that
	// forgot the field would otherwise change its look silently.
	if !(p.Light > 0 && p.Light <= 1) {
		return fmt.Errorf("transfer: preset %q keeps %g of the lightness, want above 0 and at most 1", p.Name, p.Light)
	}
	if !(p.Start >= 0 && p.Start <= 1) {
		return fmt.Errorf("transfer: start %g, want a fraction in [0, 1]", p.Start)
	}
	if m := p.Mood; m != nil {
		if !m.Valid() {
			return fmt.Errorf("transfer: preset %q moves toward a mood by %+v", p.Name, *m)
		}
	}
	taps := map[string]bool{}
	for _, t := range net.Taps() {
		taps[t] = true
	}
	want := append([]string{p.Content}, p.Style...)
	if p.Place != nil {
		if err := p.Place.validate(); err != nil {
			return err
		}
		if p.Place.Tap != "" {
			want = append(want, p.Place.Tap)
		}
	}
	for _, t := range want {
		if !taps[t] {
			return fmt.Errorf("transfer: %s has no tap %q (taps: %v)", net.Name(), t, net.Taps())
		}
	}
	return nil
}
