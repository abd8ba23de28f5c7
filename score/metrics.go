package score

import (
	"context"
	"fmt"
	"image"

	"sentiment/imaging"
	"sentiment/look"
	"sentiment/ssim"
)

// MinMovementSpan is the smallest distance, in CIELAB units over the six
// statistics, between the input's and the reference's statistics for
// which Movement is defined. One unit is about a just-noticeable colour
// difference: closer than that the reference shows no direction to move in,
// and the ratio would only measure noise.
const MinMovementSpan = 1.0

// Movement says how far out's colour statistics moved from in's toward
// ref's: 0 = not at all, 1 = all the way. With s the six numbers (mean L*,
// a*, b*, standard deviation L*, a*, b*), it is the projection of
// s(out) − s(in) onto s(ref) − s(in), divided by |s(ref) − s(in)|²:
//
//	⟨s(out) − s(in), s(ref) − s(in)⟩ / |s(ref) − s(in)|²
//
// Moving in other directions counts neither for nor against, overshooting
// gives more than 1 and moving away less than 0. All six are in CIELAB
// units and weigh the same. ok is false, and the value 0, when
// |s(ref) − s(in)| < MinMovementSpan; averages should skip such pairs.
func Movement(in, out, ref look.LabStats) (m float64, ok bool) {
	vi, vo, vr := vector(in), vector(out), vector(ref)
	var num, den float64
	for k := range vi {
		d := vr[k] - vi[k]
		num += (vo[k] - vi[k]) * d
		den += d * d
	}
	if den < MinMovementSpan*MinMovementSpan {
		return 0, false
	}
	return num / den, true
}

func vector(s look.LabStats) [6]float64 {
	return [6]float64{s.Mean[0], s.Mean[1], s.Mean[2], s.Std[0], s.Std[1], s.Std[2]}
}

// Scores are the evaluation's numbers for one transfer.
type Scores struct {
	// SSIM is the structural similarity of the input and the output, on
	// luma at the size given (the paper's Table II measure of how much of
	// the input's structure survives).
	SSIM float64
	// Movement is Movement(stats(input), stats(output), stats(ref)), and
	// MovementOK its ok.
	Movement   float64
	MovementOK bool
}

// Score measures a transfer: output against input (same size) and the
// reference it was meant to look like (any size).
func Score(input, output, ref *imaging.RGB) (Scores, error) {
	var s Scores
	var err error
	if s.SSIM, err = ssim.RGB(input, output); err != nil {
		return s, fmt.Errorf("score: scoring: %w", err)
	}
	si, err := look.StatsOf(input)
	if err != nil {
		return s, err
	}
	so, err := look.StatsOf(output)
	if err != nil {
		return s, err
	}
	sr, err := look.StatsOf(ref)
	if err != nil {
		return s, fmt.Errorf("score: scoring the reference: %w", err)
	}
	s.Movement, s.MovementOK = Movement(si, so, sr)
	return s, nil
}

// ScoreNRGBA is Score for an input and an output held at full size as
// 8-bit straight RGBA, composited on white as the images Score is given
// are (imaging.OnWhiteRow), and read a row at a time: two photos of 100
// megapixels are scored in a few megabytes. Cancelling ctx stops it.
func ScoreNRGBA(ctx context.Context, input, output *image.NRGBA, ref *imaging.RGB) (Scores, error) {
	var s Scores
	w, h := input.Rect.Dx(), input.Rect.Dy()
	if output.Rect.Dx() != w || output.Rect.Dy() != h {
		return s, fmt.Errorf("score: a %d×%d output of a %d×%d input", output.Rect.Dx(), output.Rect.Dy(), w, h)
	}
	rows := func(p *image.NRGBA) func(y int, r, g, b []float32) error {
		return func(y int, r, g, b []float32) error {
			if y%64 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			imaging.OnWhiteRow(p, y, r, g, b)
			return nil
		}
	}
	luma := func(p *image.NRGBA) func(y int, dst []float32) error {
		line := make([]float32, 3*w)
		r, g, b := line[:w], line[w:2*w], line[2*w:]
		row := rows(p)
		return func(y int, dst []float32) error {
			if err := row(y, r, g, b); err != nil {
				return err
			}
			for x := range dst {
				dst[x] = imaging.LumaOf(r[x], g[x], b[x])
			}
			return nil
		}
	}
	var err error
	if s.SSIM, err = ssim.IndexRows(w, h, luma(input), luma(output), 1); err != nil {
		return s, fmt.Errorf("score: scoring: %w", err)
	}
	si, err := look.StatsOfRows(w, h, rows(input))
	if err != nil {
		return s, err
	}
	so, err := look.StatsOfRows(w, h, rows(output))
	if err != nil {
		return s, err
	}
	sr, err := look.StatsOf(ref)
	if err != nil {
		return s, fmt.Errorf("score: scoring the reference: %w", err)
	}
	s.Movement, s.MovementOK = Movement(si, so, sr)
	return s, nil
}
