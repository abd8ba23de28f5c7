package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"sentiment/assets"
	"sentiment/engine"
	"sentiment/imaging"
	"sentiment/retrieval"
)

func init() {
	commands["retrieve"] = command{
		summary: "find the reference photos of a mood most like a photo in structure",
		run:     func(args []string) int { return retrieveCmd(args, os.Stdout, os.Stderr) },
	}
}

// maxK is the most references retrieve lists: more than a person reads,
// and a bound on the work of a hostile -k.
const maxK = 1000

// retrieveCmd is `sentiment retrieve -in PHOTO (-adjective A | -polarity P)
// [-noun N] [-k 5] [-index FILE] [-by ssim|perceptual] [-json]`.
func retrieveCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("retrieve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "photo to find references for")
	adjective := fs.String("adjective", "", "mood, such as dark or misty")
	polarity := fs.String("polarity", "", "positive or negative: every adjective of that side (instead of -adjective)")
	noun := fs.String("noun", "", "what the photo shows, such as lake: references of that noun come first")
	k := integer(fs, "k", 5, 1, maxK, "how many references to list")
	index := fs.String("index", "", "reference index built by cmd/build (default: built from the assets' refs)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	by := fs.String("by", "ssim", "rank by ssim (edge maps, the paper's method) or perceptual (backbone features, the paper's comparison)")
	name := backboneFlag(fs, "network for -by perceptual")
	wfile := fs.String("weights", "", "weights for -by perceptual (default: converted from the assets)")
	dir := fs.String("assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	r := reporter{"retrieve", stderr}
	if err := r.parse(fs, args); err != nil {
		return exitUsage
	}
	if *in == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	q := retrieval.Query{Adjective: *adjective, Noun: *noun, K: *k}
	switch {
	case (*adjective == "") == (*polarity == ""):
		return r.fail(exitUsage, errors.New("give exactly one of -adjective and -polarity"))
	case *polarity != "":
		p, err := retrieval.ParsePolarity(*polarity)
		if err != nil {
			return r.fail(exitUsage, err)
		}
		q.Polarity = p
	}
	if *by != "ssim" && *by != "perceptual" {
		return r.fail(exitUsage, fmt.Errorf("-by %q: want ssim or perceptual", *by))
	}
	if _, err := engine.Lookup(*name); err != nil {
		return r.fail(exitUsage, err)
	}
	img, _, err := imaging.DecodeFile(*in)
	if err != nil {
		return r.fail(exitUsage, err)
	}
	if *by == "perceptual" {
		net, err := engine.Open(*name, *wfile, *dir, r.warn)
		if err != nil {
			return r.fail(exitFailed, err)
		}
		q.Perceptual = &retrieval.Perceptual{Embedder: retrieval.Features{Net: net}}
	}
	matches, err := retrieve(img, q, *index, *dir)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	if *asJSON {
		return writeJSON(r, stdout, matches)
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

// retrieve runs q on the index file index, or on one built from the assets'
// refs; each match's Path is its picture on this machine.
func retrieve(img *imaging.RGB, q retrieval.Query, index, dir string) ([]retrieval.Match, error) {
	ix, base, err := engine.OpenIndex(index, dir)
	if err != nil {
		return nil, err
	}
	return engine.Retrieve(ix, base, img, q)
}
