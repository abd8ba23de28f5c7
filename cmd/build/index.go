package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"sentiment/engine"
	"sentiment/imaging"
	"sentiment/retrieval"
)

func init() { register(step{30, "index", buildIndex}) }

// refQuality is the JPEG quality of the working-size references: they are
// shown in the gallery and their colours are what the transfer borrows.
const refQuality = 90

// buildIndex writes refs/index.bin, the reference index of the chosen
// collection (-refs, by default the assets' refs/ folder), each reference
// at the working size as refs/NAME.jpg, and refs/attribution.json, every
// reference's tags and attribution.
func buildIndex(s *site) error {
	src, dst := s.refs, filepath.Join(s.out, "refs")
	if src == "" {
		src = filepath.Join(s.assets, "refs")
	}
	// A fresh folder: no picture of an earlier catalog lingers.
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	var ix *retrieval.Index
	var err error
	if fi, statErr := os.Stat(src); statErr == nil && !fi.IsDir() {
		ix, err = shipCollection(src, dst)
	} else {
		ix, err = indexFolder(s, src, dst)
	}
	if err != nil {
		return err
	}
	data, err := ix.MarshalBinary()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dst, "index.bin"), data, 0o644); err != nil {
		return err
	}
	// The credits, one retrieval.Entry each: the record the page and the
	// command line show with every match.
	j, _ := json.MarshalIndent(ix.Entries, "", "  ") // plain data: cannot fail
	if err := os.WriteFile(filepath.Join(dst, "attribution.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	what := "edge maps for retrieval"
	if ix.Subject != "" {
		what += ", " + ix.Subject + "'s subject features for the subject guess"
	}
	fmt.Printf("build: index: %d references of %s indexed (%s) and written at working size; %d adjectives, %d nouns; index %d bytes\n", len(ix.Entries), src, what, len(ix.Adjectives), len(ix.Nouns), len(data))
	return nil
}

// indexFolder indexes the references of the folder src (a catalog.tsv or
// mood folders) and writes their working-size pictures to dst.
func indexFolder(s *site, src, dst string) (*retrieval.Index, error) {
	subject, err := subjectNet(s)
	if err != nil {
		return nil, err
	}
	var names retrieval.PictureNamer
	return retrieval.Build(src, subject, func(e *retrieval.Entry, m *imaging.RGB) error {
		var b bytes.Buffer
		if err := imaging.EncodeJPEG(&b, m, refQuality); err != nil {
			return err
		}
		e.Picture = names.Name(e.File)
		return os.WriteFile(filepath.Join(dst, e.Picture), b.Bytes(), 0o644)
	})
}

// shipCollection writes the pictures of the collection file src (from
// sentiment index or the page's export) to dst as they are, and returns
// its index.
func shipCollection(src, dst string) (*retrieval.Index, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return nil, err
	}
	c, err := retrieval.ReadCollection(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	for i := range c.Index.Entries {
		e := &c.Index.Entries[i]
		b, err := c.PictureBytes(e)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		p := filepath.Join(dst, filepath.FromSlash(e.Picture))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
	}
	return c.Index, nil
}

// subjectNet opens the network whose subject features the index holds:
// the engine's default (the page's first, always loaded), as the weights
// step wrote it, so that the features are made by the very weights the
// page runs. It returns nil (an index without them) if there is none.
func subjectNet(s *site) (*retrieval.Subject, error) {
	n := engine.Default()
	p := filepath.Join(s.out, "models", weightsFile(n))
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		fmt.Printf("build: index: no models/%s: the index has no subject features, and the page will not guess subjects\n", weightsFile(n))
		return nil, nil
	}
	net, err := engine.Open(n.Name, p, "", nil)
	if err != nil {
		return nil, fmt.Errorf("the network for subject features: %w", err)
	}
	return &retrieval.Subject{Net: net}, nil
}
