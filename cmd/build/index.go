package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

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
	subject, err := subjectNet(s)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	names := map[string]bool{}
	ix, err := retrieval.Build(src, subject, func(e *retrieval.Entry, m *imaging.RGB) error {
		var b bytes.Buffer
		if err := imaging.EncodeJPEG(&b, m, refQuality); err != nil {
			return err
		}
		mu.Lock()
		e.Picture = pictureName(e.File, names)
		mu.Unlock()
		return os.WriteFile(filepath.Join(dst, e.Picture), b.Bytes(), 0o644)
	})
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

// subjectNet opens the network whose subject features the index holds:
// the engine's default (the page's first, always loaded), as the weights
// step wrote it, so that the features are made by the very weights the
// page runs. It returns nil (an index without them) if there is none.
func subjectNet(s *site) (*retrieval.Subject, error) {
	n := engine.Networks()[0]
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

// pictureName returns the name of the working-size JPEG of the reference
// file (a name in the catalog, or a path in a mood folder), one folder
// level, not yet in taken, which it joins.
func pictureName(file string, taken map[string]bool) string {
	base := strings.TrimSuffix(file, filepath.Ext(file))
	base = strings.NewReplacer("/", "-", " ", "-", "\\", "-").Replace(base)
	name := base + ".jpg"
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s-%d.jpg", base, i)
	}
	taken[name] = true
	return name
}
