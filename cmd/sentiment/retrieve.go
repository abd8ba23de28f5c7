package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sentiment/assets"
	"sentiment/imaging"
	"sentiment/retrieval"
)

func init() {
	commands["retrieve"] = command{
		summary: "find the reference photos of a mood most like a photo in structure",
		run:     func(args []string) int { return retrieveCmd(args, os.Stdout, os.Stderr) },
	}
}

// retrievedMatch is one retrieved reference, as -json prints it (here and
// in the transfer's report).
type retrievedMatch struct {
	File      string  `json:"file"`
	Adjective string  `json:"adjective"`
	Noun      string  `json:"noun"`
	Polarity  string  `json:"polarity"`
	SSIM      float64 `json:"ssim"`
	Distance  float64 `json:"distance,omitempty"` // with -by perceptual
	Path      string  `json:"path"`               // the reference picture on this machine
	Author    string  `json:"author"`
	License   string  `json:"license"`
}

// retrieveCmd is `sentiment retrieve -in PHOTO (-adjective A | -polarity P)
// [-noun N] [-k 5] [-index FILE] [-by ssim|perceptual] [-json]`.
func retrieveCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("retrieve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "photo to find references for")
	adjective := fs.String("adjective", "", "mood, such as dark or misty")
	polarity := fs.String("polarity", "", "positive or negative: every adjective of that side (instead of -adjective)")
	noun := fs.String("noun", "", "what the photo shows, such as lake: references of that noun come first")
	k := fs.Int("k", 5, "how many references to list")
	index := fs.String("index", "", "reference index built by cmd/build (default: built from the assets' refs)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	by := fs.String("by", "ssim", "rank by ssim (edge maps, the paper's method) or perceptual (backbone features, the paper's comparison)")
	name := fs.String("backbone", "squeezenet", "network for -by perceptual: squeezenet or densenet121")
	wfile := fs.String("weights", "", "weights for -by perceptual (default: converted from the assets)")
	dir := fs.String("assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(code int, err error) int {
		fmt.Fprintln(stderr, "sentiment retrieve:", err)
		return code
	}
	if *in == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	q := retrieval.Query{Adjective: *adjective, Noun: *noun, K: *k}
	switch {
	case (*adjective == "") == (*polarity == ""):
		return fail(exitUsage, errors.New("give exactly one of -adjective and -polarity"))
	case *k < 1:
		return fail(exitUsage, fmt.Errorf("-k %d: ask for at least one reference", *k))
	case *polarity != "":
		p, err := retrieval.ParsePolarity(*polarity)
		if err != nil {
			return fail(exitUsage, err)
		}
		q.Polarity = p
	}
	if *by != "ssim" && *by != "perceptual" {
		return fail(exitUsage, fmt.Errorf("-by %q: want ssim or perceptual", *by))
	}
	if _, err := backboneName(*name); err != nil {
		return fail(exitUsage, err)
	}
	img, _, err := imaging.DecodeFile(*in)
	if err != nil {
		return fail(exitUsage, err)
	}
	if *by == "perceptual" {
		net, code, err := openNetwork(*name, *wfile, *dir, stderr)
		if err != nil {
			return fail(code, err)
		}
		q.Perceptual = &retrieval.Perceptual{Embedder: retrieval.Features{Net: net}}
	}
	matches, code, err := retrieveQuery(img, q, *index, *dir)
	if err != nil {
		return fail(code, err)
	}
	if *asJSON {
		b, _ := json.MarshalIndent(matches, "", "  ") // plain data: cannot fail
		fmt.Fprintf(stdout, "%s\n", b)
		return 0
	}
	for i, m := range matches {
		score := fmt.Sprintf("SSIM %.4f", m.SSIM)
		if q.Perceptual != nil {
			score = fmt.Sprintf("distance %.4f", m.Distance)
		}
		fmt.Fprintf(stdout, "%2d. %-24s %-8s %-10s %s  (%s, %s)\n", i+1, m.File, m.Adjective, m.Noun, score, m.Author, m.License)
	}
	return 0
}

// retrieveFor returns the k references of the adjective (and noun, if not
// empty) most like img, with the exit code that fits an error.
func retrieveFor(img *imaging.RGB, adjective, noun, index, dir string, k int) ([]retrievedMatch, int, error) {
	return retrieveQuery(img, retrieval.Query{Adjective: adjective, Noun: noun, K: k}, index, dir)
}

// retrieveQuery loads the index (the file index, or one built in memory
// from the assets' refs folder) and runs q. Match paths are the pictures
// beside the index, or the photos of the refs folder.
func retrieveQuery(img *imaging.RGB, q retrieval.Query, index, dir string) ([]retrievedMatch, int, error) {
	var ix *retrieval.Index
	var base string
	if index != "" {
		data, err := os.ReadFile(index)
		if err != nil {
			return nil, exitUsage, err
		}
		if ix, err = retrieval.Load(data); err != nil {
			return nil, exitUsage, fmt.Errorf("%s: %w", index, err)
		}
		base = filepath.Dir(index)
	} else {
		root, err := assets.Root(dir)
		if err != nil {
			return nil, exitFailed, err
		}
		base = filepath.Join(root, "refs")
		if ix, err = retrieval.Build(base, nil); err != nil {
			return nil, exitFailed, err
		}
	}
	if q.Perceptual != nil && q.Perceptual.Picture == nil {
		q.Perceptual.Picture = retrieval.Pictures(base)
	}
	ms, err := retrieval.Retrieve(ix, img, q)
	if errors.Is(err, retrieval.ErrNoMatch) {
		return nil, exitUsage, err
	}
	if err != nil {
		return nil, exitFailed, err
	}
	out := make([]retrievedMatch, len(ms))
	for i, m := range ms {
		e := m.Entry
		out[i] = retrievedMatch{
			File: e.File, Adjective: e.Adjective, Noun: e.Noun, Polarity: e.Polarity.String(), SSIM: m.SSIM, Distance: m.Distance,
			Path: filepath.Join(base, filepath.FromSlash(e.Picture)), Author: e.Author, License: e.License,
		}
	}
	return out, 0, nil
}
