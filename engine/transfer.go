package engine

import (
	"context"
	"fmt"
	"image"
	"io"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/look"
	"sentiment/transfer"
)

// Progress is one iteration of a running transfer.
type Progress = transfer.Progress

// CheckPhoto refuses a photo (or reference: what names it) too small,
// too large or too elongated to transfer, as the caller's error (a
// *transfer.ImageError; IsBadInput knows it): the transfer's own check,
// for a front end that checks before it loads a network.
func CheckPhoto(what string, m *imaging.RGB) error { return transfer.CheckImage(what, m) }

// CheckPhotoSize is CheckPhoto for a w×h photo held in another form (the
// check reads the size alone).
func CheckPhotoSize(what string, w, h int) error {
	return CheckPhoto(what, &imaging.RGB{W: w, H: h})
}

// Transfer moves photo toward mood (MoodOf, ReferenceMood) and ref's look
// with preset p on net and refits the look as a grid (transfer.Run); a
// preset without Mood settings ignores mood. progress, if not nil, gets
// every iteration, with a preview every previewEvery (0: only the last).
// Cancelling ctx stops the run between iterations; a cancel that comes
// after the last iteration still counts, so that nothing is written
// after the user asked to stop.
func Transfer(ctx context.Context, net backbone.Network, photo, ref *imaging.RGB, p transfer.Preset, mood Mood, previewEvery int, progress func(Progress)) (*transfer.Result, error) {
	res, err := transfer.Run(ctx, net, photo, ref, transfer.Options{Preset: p, PreviewEvery: previewEvery, Mood: mood.Light, Base: mood.Base}, progress)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// checkStrength refuses a strength outside [0, 1] (NaN included).
func checkStrength(s float32) error {
	if !(s >= 0 && s <= 1) {
		return badInput(fmt.Errorf("strength %g, want 0 to 1", s))
	}
	return nil
}

// Apply returns img, any size of the transfer's input, with the look of
// g at strength s in [0, 1]. A cancelled ctx stops it before and after
// the work, so that a late cancel leaves nothing to write.
func Apply(ctx context.Context, g *look.Grid, img *imaging.RGB, s float32) (*imaging.RGB, error) {
	if err := checkStrength(s); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := g.Apply(img, s)
	if err != nil {
		return nil, err
	}
	return out, ctx.Err()
}

// checkRGBA reports whether pix holds w×h RGBA pixels of a size the page
// may hand over.
func checkRGBA(pix []byte, w, h int) error {
	if w <= 0 || h <= 0 || w > MaxSide || h > MaxSide {
		return badInput(fmt.Errorf("image size %d×%d out of range", w, h))
	}
	if len(pix) != 4*w*h {
		return badInput(fmt.Errorf("%d×%d image needs %d RGBA bytes, got %d", w, h, 4*w*h, len(pix)))
	}
	return nil
}

// FromRGBA wraps w×h RGBA bytes (as canvas ImageData holds them:
// non-premultiplied, row order) as an imaging.RGB, checking the sizes.
func FromRGBA(pix []byte, w, h int) (*imaging.RGB, error) {
	if err := checkRGBA(pix, w, h); err != nil {
		return nil, err
	}
	return imaging.FromImage(&image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}), nil
}

// ToRGBA returns m's pixels as opaque RGBA bytes.
func ToRGBA(m *imaging.RGB) []byte { return m.NRGBA().Pix }

// WriteLUT writes the global part of g's look at strength s as a .cube
// 3D LUT of CubeSize³ entries.
func WriteLUT(w io.Writer, g *look.Grid, s float32) error {
	if err := checkStrength(s); err != nil {
		return err
	}
	return look.WriteCube(w, "sentiment transfer", g.Global().WithStrength(s).Map, CubeSize)
}
