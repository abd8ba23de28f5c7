package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sentiment/imaging"
	"sentiment/retrieval"
)

func init() { register(step{30, "index", buildIndex}) }

// refQuality is the JPEG quality of the working-size references: they are
// shown in the gallery and their colours are what the transfer borrows.
const refQuality = 90

// buildIndex writes refs/index.bin, the reference index of the assets'
// refs/ folder, each reference at the working size as refs/NAME.jpg, and
// refs/attribution.json, every reference's tags and attribution.
func buildIndex(s *site) error {
	src, dst := filepath.Join(s.assets, "refs"), filepath.Join(s.out, "refs")
	// A fresh folder: no picture of an earlier catalog lingers.
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	ix, err := retrieval.Build(src, func(e *retrieval.Entry, m *imaging.RGB) error {
		name := strings.TrimSuffix(e.File, filepath.Ext(e.File)) + ".jpg"
		var b bytes.Buffer
		if err := imaging.EncodeJPEG(&b, m, refQuality); err != nil {
			return err
		}
		e.Picture = name
		return os.WriteFile(filepath.Join(dst, name), b.Bytes(), 0o644)
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
	fmt.Printf("build: index: %d references indexed (edge maps for retrieval) and written at working size; %d adjectives, %d nouns; index %d bytes\n", len(ix.Entries), len(ix.Adjectives), len(ix.Nouns), len(data))
	return nil
}
