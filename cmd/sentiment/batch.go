package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"sentiment/engine"
	"sentiment/imaging"
	"sentiment/internal/infile"
	"sentiment/retrieval"
)

// A batch is `sentiment transfer` over many photos: -in a folder, a glob
// pattern or several files (an unquoted glob the shell expanded), -out a
// folder. Every photo gets the same mood (its own reference, retrieved for
// it, and its own subject with -noun auto); -jobs photos run at once, each
// its own transfer on the one network, as many as fit in -memory; photos
// whose output exists already are skipped unless -force, so a stopped
// batch resumes where it was; a photo that fails is reported and the rest
// go on; a summary ends it.

// Limits of the batch flags.
const (
	maxJobs          = 256
	defaultMemoryMiB = 4096
	maxMemoryMiB     = 1 << 20
)

// batchOptions are the flags a batch adds to a transfer's.
type batchOptions struct {
	jobs      int
	memoryMiB int
	force     bool
}

// isBatch reports whether -in, -out and the arguments after the flags
// ask for a batch: a folder or a pattern as -in, files after the flags, or
// an -out that ends in a slash. (A single photo's -out that is a folder
// is refused as such: it may be a typo for a file.)
func isBatch(in, out string, rest []string) bool {
	if len(rest) > 0 || strings.ContainsAny(in, "*?[") || strings.HasSuffix(out, string(filepath.Separator)) || strings.HasSuffix(out, "/") {
		return true
	}
	fi, err := os.Stat(in)
	return err == nil && fi.IsDir()
}

// batchPhotos returns the photos of -in (a folder's pictures, a pattern's
// matches or a file) and of the files after the flags, each once, in
// order.
func batchPhotos(in string, rest []string) ([]string, error) {
	var out []string
	for _, arg := range append([]string{in}, rest...) {
		if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
			ds, err := os.ReadDir(arg)
			if err != nil {
				return nil, err
			}
			for _, d := range ds {
				if !d.IsDir() && retrieval.IsPicture(d.Name()) {
					out = append(out, filepath.Join(arg, d.Name()))
				}
			}
			continue
		}
		if strings.ContainsAny(arg, "*?[") {
			m, err := filepath.Glob(arg)
			if err != nil {
				return nil, fmt.Errorf("-in %s: %w", arg, err)
			}
			for _, p := range m {
				if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
					out = append(out, p)
				}
			}
			continue
		}
		out = append(out, arg)
	}
	seen := map[string]bool{}
	out = slices.DeleteFunc(out, func(p string) bool {
		abs, _ := filepath.Abs(p)
		dup := seen[abs]
		seen[abs] = true
		return dup
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("-in %s: no photos there", in)
	}
	return out, nil
}

// batchOutput is the output of photo in the folder dir: the photo's name,
// as a PNG if it is one (its transparency kept), else as a JPEG.
func batchOutput(dir, photo string) string {
	base := filepath.Base(photo)
	ext := ".jpg"
	if strings.EqualFold(filepath.Ext(base), ".png") {
		ext = ".png"
	}
	return filepath.Join(dir, strings.TrimSuffix(base, filepath.Ext(base))+ext)
}

// checkBatchOutputs refuses, before any work, a batch whose outputs would
// go into the folder of one of its photos (where the next run would take
// them for photos, or replace one), or replace one of the other inputs,
// and two photos with one output (a.jpg and a.jpeg); then it makes dir.
func checkBatchOutputs(photos []string, dir string, inputs []file) error {
	first := map[string]string{}
	for _, p := range photos {
		if sameFile(filepath.Dir(p), dir) {
			return fmt.Errorf("-out %s holds the photo %s: write the results to another folder", dir, p)
		}
		out := batchOutput(dir, p)
		if q, ok := first[out]; ok {
			return fmt.Errorf("%s and %s would both be written to %s: rename one, or give them a batch each", q, p, out)
		}
		first[out] = p
		for _, in := range inputs {
			if in.path != "" && sameFile(out, in.path) {
				return fmt.Errorf("-out %s: the result of %s would replace %s (%s): write the results to another folder", dir, p, in.what, in.name())
			}
		}
	}
	return os.MkdirAll(dir, 0o755)
}

// batchSummary is what -json prints for a batch.
type batchSummary struct {
	Photos    int              `json:"photos"`
	Done      []transferReport `json:"done"`
	Skipped   []string         `json:"skipped"`
	Failed    []batchFailure   `json:"failed"`
	Jobs      int              `json:"jobs"`
	Seconds   float64          `json:"seconds"`
	Cancelled bool             `json:"cancelled,omitempty"`
}

// batchFailure is a photo that could not be transferred, and why.
type batchFailure struct {
	Input string `json:"input"`
	Error string `json:"error"`
}

// runBatch transfers every photo of photos into the folder outDir with
// job. It returns the exit code: 0 if every photo is done (now or
// before), 1 if any failed or the batch was cancelled.
func runBatch(ctx context.Context, r reporter, job *photoJob, photos []string, outDir string, o batchOptions, asJSON bool, stdout io.Writer) int {
	start := time.Now()
	sum := batchSummary{Photos: len(photos), Done: []transferReport{}, Skipped: []string{}, Failed: []batchFailure{}, Jobs: o.jobs}
	type task struct{ in, out string }
	var tasks []task
	for _, p := range photos {
		out := batchOutput(outDir, p)
		if _, err := os.Stat(out); err == nil && !o.force {
			sum.Skipped = append(sum.Skipped, p)
			continue
		}
		tasks = append(tasks, task{p, out})
	}
	bar := newProgress(r.stderr, len(photos), len(sum.Skipped), !asJSON)
	budget := newBudget(int64(o.memoryMiB) << 20)
	var mu sync.Mutex
	next := make(chan task)
	var wg sync.WaitGroup
	for range min(o.jobs, len(tasks)) {
		wg.Go(func() {
			for t := range next {
				cost := photoCost(t.in)
				budget.acquire(cost)
				rep, err := transferOne(ctx, job, t.in, t.out, func(pr engine.Progress) { bar.step(t.in, pr) })
				budget.release(cost)
				bar.finish(t.in)
				mu.Lock()
				if err != nil && ctx.Err() == nil {
					sum.Failed = append(sum.Failed, batchFailure{t.in, err.Error()})
					bar.say(fmt.Sprintf("sentiment transfer: %s: %v", t.in, err))
				} else if err == nil {
					sum.Done = append(sum.Done, rep)
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, t := range tasks {
		select {
		case next <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	bar.stop()
	sum.Seconds = time.Since(start).Seconds()
	sum.Cancelled = ctx.Err() != nil
	code := 0
	if len(sum.Failed) > 0 || sum.Cancelled {
		code = exitFailed
	}
	if asJSON {
		if c := writeJSON(r, stdout, sum); c != 0 {
			return c
		}
		return code
	}
	fmt.Fprintln(stdout, summaryText(sum))
	return code
}

// transferOne reads and transfers one photo of a batch.
func transferOne(ctx context.Context, job *photoJob, in, out string, progress func(engine.Progress)) (transferReport, error) {
	p, err := readPhoto(ctx, in)
	if err != nil {
		return transferReport{}, err
	}
	// A retrieved reference is never a batch's output: those are new
	// files in the output folder, checked against the inputs up front.
	return job.run(ctx, p, out, "", func(string) error { return nil }, progress)
}

// summaryText says what a batch did, in words.
func summaryText(s batchSummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d photos: %d transferred", s.Photos, len(s.Done))
	if n := len(s.Skipped); n > 0 {
		fmt.Fprintf(&b, ", %d done before (skipped; -force does them again)", n)
	}
	if n := len(s.Failed); n > 0 {
		fmt.Fprintf(&b, ", %d failed", n)
	}
	if s.Cancelled {
		fmt.Fprintf(&b, ", %d not done: cancelled", s.Photos-len(s.Done)-len(s.Skipped)-len(s.Failed))
	}
	fmt.Fprintf(&b, "; %s with %d at once", time.Duration(s.Seconds*float64(time.Second)).Round(time.Second/10), s.Jobs)
	if n := len(s.Done); n > 0 {
		fmt.Fprintf(&b, " (%.1f s a photo)", s.Seconds/float64(n))
	}
	for _, f := range s.Failed {
		fmt.Fprintf(&b, "\n  failed: %s: %s", f.Input, f.Error)
	}
	return b.String()
}

// photoCost estimates the memory a photo takes while it is transferred,
// from its header: its full-size planes (the photo and its result in 8
// bits, and the decoder's own pixels while the photo is converted) and
// the optimization's own, which does not depend on the photo's size.
func photoCost(path string) int64 {
	const perPixel, fixed = 12, 256 << 20
	f, err := infile.Open(path, "photo", imaging.MaxFileBytes)
	if err != nil {
		return fixed
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return fixed
	}
	return fixed + perPixel*int64(cfg.Width)*int64(cfg.Height)
}

// budget bounds the memory the photos at work take together: a photo
// waits until its cost fits, except when nothing else is at work (a photo
// larger than the whole budget still runs, alone).
type budget struct {
	mu         sync.Mutex
	cond       *sync.Cond
	used, size int64
}

func newBudget(size int64) *budget {
	b := &budget{size: size}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *budget) acquire(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used > 0 && b.used+n > b.size {
		b.cond.Wait()
	}
	b.used += n
}

func (b *budget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}

// progress draws a batch's progress bar on one line of w: photos done,
// those at work, and the time left, from how far each photo at work is.
type progress struct {
	mu          sync.Mutex
	w           io.Writer
	on          bool
	total, done int
	working     map[string]float64 // photo → fraction of its iterations done
	start       time.Time
	doneAtStart int
	quit        chan struct{}
	stopped     sync.WaitGroup
}

func newProgress(w io.Writer, total, done int, on bool) *progress {
	p := &progress{w: w, on: on, total: total, done: done, doneAtStart: done, working: map[string]float64{}, start: time.Now(), quit: make(chan struct{})}
	if on {
		p.stopped.Go(func() {
			t := time.NewTicker(250 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					p.mu.Lock()
					p.draw()
					p.mu.Unlock()
				case <-p.quit:
					return
				}
			}
		})
	}
	return p
}

// step notes an iteration of photo.
func (p *progress) step(photo string, pr engine.Progress) {
	p.mu.Lock()
	if pr.Total > 0 {
		p.working[photo] = float64(pr.Iteration) / float64(pr.Total)
	}
	p.mu.Unlock()
}

// finish notes that photo is done with, well or not.
func (p *progress) finish(photo string) {
	p.mu.Lock()
	delete(p.working, photo)
	p.done++
	p.draw()
	p.mu.Unlock()
}

// say prints a line above the bar.
func (p *progress) say(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.on {
		fmt.Fprintf(p.w, "\r%-78s\n", line)
		p.draw()
	} else {
		fmt.Fprintln(p.w, line)
	}
}

// draw writes the bar; p.mu is held.
func (p *progress) draw() {
	if !p.on {
		return
	}
	frac := float64(p.done)
	for _, f := range p.working {
		frac += f
	}
	frac /= float64(p.total)
	const width = 24
	n := int(frac * width)
	bar := strings.Repeat("#", n) + strings.Repeat("-", width-n)
	left := "…"
	// The time left from the photos of this run only (skipped ones took
	// none), once the first iterations give a rate.
	if ran := frac - float64(p.doneAtStart)/float64(p.total); ran > 0.01 {
		rest := time.Duration(float64(time.Since(p.start)) / ran * (1 - frac))
		left = rest.Round(time.Second).String() + " left"
	}
	fmt.Fprintf(p.w, "\r[%s] %d/%d photos, %d at work, %s   ", bar, p.done, p.total, len(p.working), left)
}

// stop ends the bar's line.
func (p *progress) stop() {
	close(p.quit)
	p.stopped.Wait()
	if p.on {
		p.mu.Lock()
		p.draw()
		fmt.Fprintln(p.w)
		p.mu.Unlock()
	}
}

// errBatchLUT refuses -lut in a batch: one LUT would not fit every photo.
var errBatchLUT = errors.New("-lut writes one photo's look: give it with a single -in photo, not a batch")
