package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"sentiment/backbone"
	"sentiment/engine"
	"sentiment/imaging"
	"sentiment/retrieval"
	"sentiment/score"
	"sentiment/transfer"
)

// photoJob is what transferring a photo needs besides the photo, the same
// for one photo and for a folder of them: the network and preset, and the
// reference given (-ref) or where to retrieve one. It is read-only once
// made, so that several photos may run it at once.
type photoJob struct {
	net      backbone.Network
	preset   transfer.Preset
	strength float64 // -1: the preset's
	// ref is -ref's picture (refPath), or nil to retrieve one from refs
	// for adjective and noun ("auto": the network's guess).
	ref                    *imaging.RGB
	refPath                string
	refs                   *engine.Refs
	adjective, noun, asset string
	warn                   func(string)
}

// photo is a photo read for a transfer, held at full size in 8 bits as
// the page's canvas holds it (straight colour and alpha): 400 MB at
// imaging.MaxPixels, twice that with its result, where floats took 1.2 GB
// each. It is optimized through small copies composited on white, as a
// viewer shows a transparent photo; the look applies to the straight
// colour and the alpha passes through to a PNG (a JPEG is composited on
// white).
type photo struct {
	path string
	pix  *image.NRGBA
}

// readPhoto decodes the photo at path and checks that it can be
// transferred; what is wrong with it is the caller's error (usageError).
// Cancelling ctx stops it.
func readPhoto(ctx context.Context, path string) (*photo, error) {
	pix, _, err := imaging.DecodeFileNRGBA(ctx, path)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, usageError{err}
	}
	// The decoder's own pixels (up to 300 MB) are garbage now: given back
	// before the result takes as much again, not after the next cycle.
	debug.FreeOSMemory()
	if err := engine.CheckPhotoSize("photo", pix.Rect.Dx(), pix.Rect.Dy()); err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", path, err)}
	}
	return &photo{path: path, pix: pix}, nil
}

// stage, if set, is told when a transfer starts each stage of the work at
// full size after the optimization: "apply", "score", "encode", and
// "done" (for the tests of a Ctrl-C during each).
var stage = func(string) {}

// inputCode is the exit code of an error reading an input: exitFailed
// for a Ctrl-C, else exitUsage.
func inputCode(err error) int {
	if errors.Is(err, context.Canceled) {
		return exitFailed
	}
	return exitUsage
}

// shrink returns the copy of pix, composited on white, at the size that
// size gives it (imaging.Fit for retrieval, transfer.WorkingSize for the
// optimization), or at its own size if that is smaller.
func shrink(ctx context.Context, pix *image.NRGBA, size int, fit func(w, h, size int) (int, int)) (*imaging.RGB, error) {
	w, h := pix.Rect.Dx(), pix.Rect.Dy()
	if max(w, h) > size {
		w, h = fit(w, h, size)
	}
	return imaging.ShrinkOnWhite(ctx, pix, w, h)
}

// reference decodes a reference photo composited on white, as the page
// takes it, at no more than the largest working size: the optimization
// and the scores read nothing finer, and a reference of imaging.MaxPixels
// would otherwise cost as much as the photo.
func reference(ctx context.Context, path string) (*imaging.RGB, error) {
	m, _, err := imaging.DecodeFileNRGBA(ctx, path)
	if err != nil {
		return nil, err
	}
	return shrink(ctx, m, transfer.MaxSize, imaging.Fit)
}

// usageError marks an error as the caller's (a photo that cannot be
// read), which the command reports with exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// isUsage reports whether err is the caller's.
func isUsage(err error) bool {
	var u usageError
	return engine.IsBadInput(err) || errors.As(err, &u)
}

// run transfers p's mood to out (and its LUT to lut, if not ""), checking
// a retrieved reference with checkRef, and returns the report. Nothing is
// put in place unless everything is written and ctx is not cancelled.
// progress, if not nil, gets each iteration.
func (j *photoJob) run(ctx context.Context, p *photo, out, lut string, checkRef func(string) error, progress func(engine.Progress)) (transferReport, error) {
	W, H := p.pix.Rect.Dx(), p.pix.Rect.Dy()
	rep := transferReport{Input: p.path, Output: out, Width: W, Height: H, Backbone: j.net.Name(), Preset: j.preset.Name}
	ref := j.ref
	if ref != nil {
		rep.Reference = j.refPath
	} else {
		small, err := shrink(ctx, p.pix, imaging.WorkingSize, imaging.Fit)
		if err != nil {
			return rep, err
		}
		if ref, rep.Retrieved, rep.Subject, err = bestReference(j.refs, small, j.adjective, j.noun, j.asset, j.warn); err != nil {
			return rep, err
		}
		rep.Reference = rep.Retrieved[0].Path
		// The retrieved picture is an input too.
		if err := checkRef(rep.Reference); err != nil {
			return rep, usageError{err}
		}
	}
	strength := j.strength
	if strength == -1 {
		strength = j.preset.Strength
	}
	start := time.Now()
	img, err := shrink(ctx, p.pix, j.preset.Size, transfer.WorkingSize)
	if err != nil {
		return rep, err
	}
	mood, err := j.mood(img, ref)
	if err != nil {
		return rep, err
	}
	rep.Mood = &mood
	res, err := engine.Transfer(ctx, j.net, img, ref, j.preset, mood, 0, progress)
	if err != nil {
		return rep, err
	}
	s := float32(strength)
	// The optimization's garbage (half a gigabyte, whatever the photo's
	// size) is given back before the result takes the photo's size again.
	debug.FreeOSMemory()
	result := image.NewNRGBA(p.pix.Rect)
	copy(result.Pix, p.pix.Pix)
	stage("apply")
	if err := engine.ApplyNRGBA(ctx, res.Grid, result, s); err != nil {
		return rep, err
	}
	rep.Seconds = time.Since(start).Seconds()
	rep.Iterations, rep.LossStart, rep.LossEnd = res.Iterations, res.Start, res.End
	stage("score")
	sc, err := score.ScoreNRGBA(ctx, p.pix, result, ref)
	if err != nil {
		return rep, err
	}
	rep.SSIM = sc.SSIM
	if sc.MovementOK {
		rep.Movement = &sc.Movement
	}
	// Every output is written in full before any is put in place, so a
	// failure or a Ctrl-C up to here leaves the folder as it was.
	stage("encode")
	files, err := writeOutputs(ctx, out, result, lut, res.Grid, s)
	if err != nil {
		return rep, err
	}
	if err := ctx.Err(); err != nil {
		for _, f := range files {
			f.Discard()
		}
		return rep, err
	}
	for _, f := range files {
		if err := f.Commit(); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// checkAdjective refuses, before any photo is worked on, a mood the
// references do not have.
func checkAdjective(refs *engine.Refs, adjective string) error {
	names := refs.Index.AdjectiveNames()
	if slices.Contains(names, adjective) {
		return nil
	}
	return usageError{fmt.Errorf("-adjective %s: the references have no such mood; they have %s", adjective, strings.Join(names, ", "))}
}

// mood is the light the photo img is moved toward with ref: the mood's
// references' (engine.MoodOf) when one was retrieved, -ref's own when it
// was given (read against the index's average light if one is open).
func (j *photoJob) mood(img, ref *imaging.RGB) (engine.Mood, error) {
	if j.ref == nil {
		return engine.MoodOf(j.refs.Index, img, j.adjective, nil)
	}
	var ix *retrieval.Index
	if j.refs != nil {
		ix = j.refs.Index
	}
	return engine.ReferenceMood(ix, ref)
}
