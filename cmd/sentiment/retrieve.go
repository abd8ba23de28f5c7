package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

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
	noun := fs.String("noun", "", "what the photo shows, such as lake: references of that noun come first; auto: the network's guess")
	k := integer(fs, "k", 5, 1, maxK, "how many references to list")
	index := fs.String("index", "", "reference index or collection file, from cmd/build or sentiment index (default: built from the assets' refs)")
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
	refs, err := openRefs(*index, *dir, *noun == autoNoun, r.warn)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	var guess []retrieval.NounGuess
	if q.Noun, guess, err = nounFor(refs, *noun, img, *dir, r.warn); err != nil {
		return r.fail(exitFailed, err)
	}
	if *by == "perceptual" {
		net, err := engine.Open(*name, *wfile, *dir, r.warn)
		if err != nil {
			return r.fail(exitFailed, err)
		}
		q.Perceptual = &retrieval.Perceptual{Embedder: retrieval.Features{Net: net}}
	}
	matches, err := refs.Retrieve(img, q)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	if *asJSON {
		return writeJSON(r, stdout, matches)
	}
	if guess != nil {
		fmt.Fprintf(stdout, "subject: %s\n", guessText(guess))
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

// autoNoun is the -noun that asks for the network's guess.
const autoNoun = "auto"

// openRefs opens the references of -index, or builds them from the
// assets' refs; guess asks for subject features, which an index from the
// assets then gets here (slowly: the network sees every reference).
func openRefs(index, dir string, guess bool, warn func(string)) (*engine.Refs, error) {
	if index != "" || !guess {
		return engine.OpenRefs(index, dir, nil)
	}
	n := engine.Default()
	net, err := engine.Open(n.Name, "", dir, warn)
	if err != nil {
		return nil, err
	}
	warn("-noun auto without -index: " + n.Label + " looks at every reference of the assets first (about half a minute; an index from sentiment index or the build is quicker)")
	return engine.OpenRefs("", dir, &retrieval.Subject{Net: net})
}

// nounFor returns the noun whose references come first: noun itself, or
// for -noun auto the subject the index's network guesses for img, with
// the guesses.
func nounFor(refs *engine.Refs, noun string, img *imaging.RGB, dir string, warn func(string)) (string, []retrieval.NounGuess, error) {
	if noun != autoNoun {
		return noun, nil, nil
	}
	ix := refs.Index
	if ix.Subject == "" {
		return "", nil, fmt.Errorf("-noun auto: the index has no subject features (make it with sentiment index, or use the build's)")
	}
	net, err := engine.Open(ix.Subject, "", dir, warn)
	if err != nil {
		return "", nil, err
	}
	g, err := engine.GuessSubject(net, ix, img)
	if err != nil {
		return "", nil, err
	}
	if len(g) == 0 {
		return "", nil, nil // an index without nouns: nothing comes first
	}
	return g[0].Name, g, nil
}

// guessText is the first three guesses in words.
func guessText(g []retrieval.NounGuess) string {
	var b strings.Builder
	for i, n := range g[:min(3, len(g))] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%.2f)", n.Name, n.Score)
	}
	return b.String()
}

// bestReference returns the picture of the reference of adjective most
// like img in structure, the noun's first (see nounFor), with the five
// best matches and the subject guesses, if any.
func bestReference(refs *engine.Refs, img *imaging.RGB, adjective, noun, dir string, warn func(string)) (*imaging.RGB, []retrieval.Match, []retrieval.NounGuess, error) {
	noun, guess, err := nounFor(refs, noun, img, dir, warn)
	if err != nil {
		return nil, nil, nil, err
	}
	ms, err := refs.Retrieve(img, retrieval.Query{Adjective: adjective, Noun: noun, K: 5})
	if err != nil {
		return nil, nil, nil, err
	}
	ref, err := refs.Picture(ms[0].Entry)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reference: %w", err)
	}
	return ref, ms, guess, nil
}
