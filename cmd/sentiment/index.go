package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"sentiment/assets"
	"sentiment/engine"
	"sentiment/imaging"
	"sentiment/internal/outfile"
	"sentiment/retrieval"
)

func init() {
	commands["index"] = command{
		summary: "build a reference index from a folder of your own mood photos",
		run:     func(args []string) int { return indexCmd(args, os.Stdout, os.Stderr) },
	}
}

// pictureQuality is the JPEG quality of the working-size pictures in a
// collection file, as the build writes its references.
const pictureQuality = 90

// indexReport is what -json prints.
type indexReport struct {
	Output     string                     `json:"output"`
	Bytes      int                        `json:"bytes"`
	References int                        `json:"references"`
	Adjectives []retrieval.AdjectiveCount `json:"adjectives"`
	Nouns      []retrieval.NounCount      `json:"nouns"`
	Subject    string                     `json:"subject,omitempty"`
}

// indexCmd is `sentiment index -dir DIR -out FILE [-subject=false]
// [-weights FILE] [-assets DIR] [-json]`: the index of a folder with a
// catalog.tsv or mood folders, as the build makes the site's. FILE.zip is
// a collection file (the index and its pictures at the working size, as
// the page imports and exports them); any other FILE is the index alone,
// pointing at the pictures where they are, so it must lie in DIR or a
// folder above it.
func indexCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "folder of references: a catalog.tsv (file, adjective, and any of noun, polarity, description, license, author, source) and its photos, or one folder per mood (\"misty\", or \"misty lake\" for a subject) holding its photos")
	out := fs.String("out", "", "index to write: FILE.zip for a collection file (index and pictures, what the page imports), else an index that points at the photos in -dir")
	subject := fs.Bool("subject", true, "give each reference SqueezeNet's subject features, for -noun auto and the page's subject guess")
	wfile := fs.String("weights", "", "SqueezeNet weights for the subject features (default: converted from the assets)")
	asJSON := fs.Bool("json", false, "print a JSON report")
	assetsDir := fs.String("assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	r := reporter{"index", stderr}
	if *dir == "" || *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	if fi, err := os.Stat(*dir); err != nil || !fi.IsDir() {
		return r.fail(exitUsage, fmt.Errorf("-dir %s is not a folder", *dir))
	}
	zipped := strings.EqualFold(filepath.Ext(*out), ".zip")
	if err := outfile.Check(*out); err != nil {
		return r.fail(exitUsage, err)
	}
	var sub *retrieval.Subject
	if *subject {
		net, err := engine.Open(engine.Default().Name, *wfile, *assetsDir, r.warn)
		if err != nil {
			return r.fail(exitFailed, fmt.Errorf("the network for subject features (-subject=false goes without): %w", err))
		}
		sub = &retrieval.Subject{Net: net}
	}
	var (
		mu       sync.Mutex
		pictures = map[string][]byte{}
		names    retrieval.PictureNamer
		rel      string
		err      error
	)
	if !zipped {
		if rel, err = filepath.Rel(filepath.Dir(*out), *dir); err != nil {
			return r.fail(exitUsage, err)
		}
	}
	ix, err := retrieval.Build(*dir, sub, func(e *retrieval.Entry, m *imaging.RGB) error {
		if !zipped {
			// The photo where it is, relative to the index.
			e.Picture = filepath.ToSlash(filepath.Join(rel, filepath.FromSlash(e.File)))
			if !iofs.ValidPath(e.Picture) {
				return fmt.Errorf("-out %s is not in %s or a folder above it, where the index could point at the photos: write it there, or as a .zip", *out, *dir)
			}
			return nil
		}
		var b bytes.Buffer
		if err := imaging.EncodeJPEG(&b, m, pictureQuality); err != nil {
			return err
		}
		e.Picture = names.Name(e.File)
		mu.Lock()
		pictures[e.Picture] = b.Bytes()
		mu.Unlock()
		return nil
	})
	if err != nil {
		return r.fail(exitUsage, err)
	}
	f, err := outfile.Create(*out, func(w io.Writer) error {
		if zipped {
			return retrieval.WriteCollection(w, ix, func(e *retrieval.Entry) ([]byte, error) { return pictures[e.Picture], nil })
		}
		data, err := ix.MarshalBinary()
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = f.Commit()
	}
	if err != nil {
		return r.fail(exitFailed, err)
	}
	info, err := os.Stat(*out)
	if err != nil {
		return r.fail(exitFailed, err)
	}
	v := ix.Vocabulary()
	rep := indexReport{Output: *out, Bytes: int(info.Size()), References: len(ix.Entries), Adjectives: v.Adjectives, Nouns: v.Nouns, Subject: ix.Subject}
	if *asJSON {
		return writeJSON(r, stdout, rep)
	}
	var moods []string
	for _, a := range v.Adjectives {
		moods = append(moods, fmt.Sprintf("%s (%d)", a.Name, a.Count))
	}
	fmt.Fprintf(stdout, "%s: %d references, %d bytes; moods: %s\n", *out, rep.References, rep.Bytes, strings.Join(moods, ", "))
	if len(v.Nouns) == 0 {
		fmt.Fprintln(stdout, "no subjects: name a folder \"misty lake\" or give a noun column for references of a subject to come first")
	}
	return 0
}
