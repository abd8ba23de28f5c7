package retrieval

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"sentiment/imaging"
	"sentiment/internal/infile"
)

// MaxCatalogBytes is the longest catalog.tsv ReadCatalogFile reads: a
// line is a few hundred bytes, so hundreds of thousands of photos.
const MaxCatalogBytes = 64 << 20

// ReadCatalogFile reads the catalog.tsv at path (ReadCatalog), a regular
// file of at most MaxCatalogBytes.
func ReadCatalogFile(path string) ([]Entry, error) {
	f, err := infile.Open(path, "catalog", MaxCatalogBytes)
	if err != nil {
		return nil, fmt.Errorf("retrieval: %w", err)
	}
	defer f.Close()
	entries, err := ReadCatalog(io.LimitReader(f, MaxCatalogBytes))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return entries, nil
}

// catalogColumns are the columns of a catalog.tsv, in order.
var catalogColumns = []string{"file", "adjective", "noun", "polarity", "description", "license", "author", "source"}

// ReadCatalog parses a catalog.tsv: a header line naming the columns file,
// adjective, noun, polarity, description, license, author, source, then one
// tab-separated line per photo. Entries get their line's order as ID and
// their file as Picture; their edge maps are left empty.
func ReadCatalog(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	line := 0
	var out []Entry
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			if got := strings.Split(text, "\t"); !equalFold(got, catalogColumns) {
				return nil, fmt.Errorf("retrieval: catalog header is %q, want the columns %s", text, strings.Join(catalogColumns, ", "))
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != len(catalogColumns) {
			return nil, fmt.Errorf("retrieval: catalog line %d has %d fields, want %d", line, len(f), len(catalogColumns))
		}
		p, err := ParsePolarity(f[3])
		if err != nil {
			return nil, fmt.Errorf("catalog line %d: %w", line, err)
		}
		if !fs.ValidPath(f[0]) || strings.Contains(f[0], "/") {
			return nil, fmt.Errorf("retrieval: catalog line %d: %q is not a file name in the catalog's folder", line, f[0])
		}
		out = append(out, Entry{
			ID: uint32(len(out)), File: f[0], Adjective: f[1], Noun: f[2], Polarity: p,
			Description: f[4], License: f[5], Author: f[6], Source: f[7], Picture: f[0],
		})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("retrieval: reading catalog: %w", err)
	}
	if line == 0 {
		return nil, fmt.Errorf("retrieval: empty catalog")
	}
	return out, nil
}

func equalFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(strings.TrimSpace(a[i]), b[i]) {
			return false
		}
	}
	return true
}

// Build makes the index of a folder holding catalog.tsv and its photos.
// Each photo is decoded, brought to the working size (imaging.WorkingSize
// on the long side, if larger) and its edge map taken there. each, if not
// nil, gets every entry with its working-size photo first: cmd/build writes
// the picture that the page shows and may set the entry's Picture.
func Build(dir string, each func(e *Entry, working *imaging.RGB) error) (*Index, error) {
	entries, err := ReadCatalogFile(filepath.Join(dir, "catalog.tsv"))
	if err != nil {
		return nil, err
	}
	for i := range entries {
		e := &entries[i]
		m, _, err := imaging.DecodeFile(filepath.Join(dir, e.File))
		if err != nil {
			return nil, err
		}
		m = Working(m)
		if each != nil {
			if err := each(e, m); err != nil {
				return nil, fmt.Errorf("%s: %w", e.File, err)
			}
		}
		if e.Edges, err = EdgeMap(m); err != nil {
			return nil, fmt.Errorf("%s: %w", e.File, err)
		}
	}
	return New(entries)
}

// Working returns m brought down to the working size (its long side
// imaging.WorkingSize), or m itself if it is not larger.
func Working(m *imaging.RGB) *imaging.RGB {
	if max(m.W, m.H) <= imaging.WorkingSize {
		return m
	}
	w, h := imaging.Fit(m.W, m.H, imaging.WorkingSize)
	return imaging.Resize(m, w, h)
}

// Pictures returns a loader of the entries' pictures from the folder that
// holds the index (for Perceptual).
func Pictures(dir string) func(*Entry) (*imaging.RGB, error) {
	return func(e *Entry) (*imaging.RGB, error) {
		if !fs.ValidPath(e.Picture) {
			return nil, fmt.Errorf("retrieval: picture path %q leaves the index's folder", e.Picture)
		}
		m, _, err := imaging.DecodeFile(filepath.Join(dir, filepath.FromSlash(e.Picture)))
		return m, err
	}
}
