package main

import (
	"context"
	"errors"
	"fmt"
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

// photo is a photo read for a transfer: its straight colour and alpha
// plane (nil if opaque), and img, the picture as a viewer sees it (on
// white), which the transfer works on.
type photo struct {
	path          string
	straight, img *imaging.RGB
	alpha         *imaging.Alpha
}

// readPhoto decodes the photo at path and checks that it can be
// transferred; what is wrong with it is the caller's error (usageError).
func readPhoto(path string) (*photo, error) {
	// A transparent photo is transferred as a viewer shows it, on white;
	// its alpha plane passes through to a PNG (a JPEG stays on white).
	// The look applies to the straight colour, so that the output's own
	// compositing gives the same picture.
	straight, alpha, _, err := imaging.DecodeFileAlpha(path)
	if err != nil {
		return nil, usageError{err}
	}
	img, err := imaging.OnWhite(straight, alpha)
	if err != nil {
		return nil, usageError{err}
	}
	if err := engine.CheckPhoto("photo", img); err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", path, err)}
	}
	return &photo{path: path, straight: straight, img: img, alpha: alpha}, nil
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
	rep := transferReport{Input: p.path, Output: out, Width: p.img.W, Height: p.img.H, Backbone: j.net.Name(), Preset: j.preset.Name}
	ref := j.ref
	if ref != nil {
		rep.Reference = j.refPath
	} else {
		var err error
		if ref, rep.Retrieved, rep.Subject, err = bestReference(j.refs, p.img, j.adjective, j.noun, j.asset, j.warn); err != nil {
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
	mood, err := j.mood(p.img, ref)
	if err != nil {
		return rep, err
	}
	rep.Mood = &mood
	res, err := engine.Transfer(ctx, j.net, p.img, ref, j.preset, mood, 0, progress)
	if err != nil {
		return rep, err
	}
	s := float32(strength)
	result, err := engine.Apply(ctx, res.Grid, p.straight, s)
	if err != nil {
		return rep, err
	}
	shown, err := imaging.OnWhite(result, p.alpha)
	if err != nil {
		return rep, err
	}
	rep.Seconds = time.Since(start).Seconds()
	rep.Iterations, rep.LossStart, rep.LossEnd = res.Iterations, res.Start, res.End
	sc, err := score.Score(p.img, shown, ref)
	if err != nil {
		return rep, err
	}
	rep.SSIM = sc.SSIM
	if sc.MovementOK {
		rep.Movement = &sc.Movement
	}
	// Every output is written in full before any is put in place, so a
	// failure or a Ctrl-C up to here leaves the folder as it was.
	files, err := writeOutputs(out, result, p.alpha, lut, res.Grid, s)
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
