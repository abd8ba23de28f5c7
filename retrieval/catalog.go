package retrieval

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"sentiment/imaging"
	"sentiment/internal/infile"
)

// MaxCatalogBytes is the longest catalog.tsv ReadCatalogFile reads: a
// line is a few hundred bytes, so hundreds of thousands of photos.
const MaxCatalogBytes = 64 << 20

// ReadCatalogFile reads the catalog.tsv at path (ReadCatalog): a regular
// file (a FIFO would hang the read) of at most MaxCatalogBytes.
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

// catalogColumns are the columns a catalog.tsv may have, in the order the
// assets' catalogs give them; file and adjective are required.
var catalogColumns = []string{"file", "adjective", "noun", "polarity", "description", "license", "author", "source"}

// ReadCatalog parses a catalog.tsv: a header line naming its columns — file
// and adjective, and any of noun, polarity, description, license, author
// and source, in any order — then one tab-separated line per photo. A
// missing polarity is neutral. Entries get their line's order as ID and
// their file as Picture; their edge maps are left empty.
func ReadCatalog(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	line := 0
	var out []Entry
	var cols []int // the catalog column of each header column
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			var err error
			if cols, err = catalogHeader(text); err != nil {
				return nil, err
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != len(cols) {
			return nil, fmt.Errorf("retrieval: catalog line %d has %d fields, want %d", line, len(f), len(cols))
		}
		var v [8]string // by catalogColumns
		for i, c := range cols {
			v[c] = strings.TrimSpace(f[i])
		}
		p := Neutral
		if v[3] != "" {
			var err error
			if p, err = ParsePolarity(v[3]); err != nil {
				return nil, fmt.Errorf("catalog line %d: %w", line, err)
			}
		}
		if !fs.ValidPath(v[0]) || strings.Contains(v[0], "/") {
			return nil, fmt.Errorf("retrieval: catalog line %d: %q is not a file name in the catalog's folder", line, v[0])
		}
		if v[1] == "" {
			return nil, fmt.Errorf("retrieval: catalog line %d: %s has no adjective", line, v[0])
		}
		out = append(out, Entry{
			ID: uint32(len(out)), File: v[0], Adjective: v[1], Noun: v[2], Polarity: p,
			Description: v[4], License: v[5], Author: v[6], Source: v[7], Picture: v[0],
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

// catalogHeader returns the index in catalogColumns of each column of a
// catalog's header line.
func catalogHeader(text string) ([]int, error) {
	var cols []int
	seen := map[int]bool{}
	for _, name := range strings.Split(text, "\t") {
		c := slices.IndexFunc(catalogColumns, func(k string) bool { return strings.EqualFold(strings.TrimSpace(name), k) })
		if c < 0 || seen[c] {
			return nil, fmt.Errorf("retrieval: catalog header %q: column %q is unknown or repeated (the columns are %s)", text, name, strings.Join(catalogColumns, ", "))
		}
		seen[c] = true
		cols = append(cols, c)
	}
	if !seen[0] || !seen[1] {
		return nil, fmt.Errorf("retrieval: catalog header %q: the file and adjective columns are required", text)
	}
	return cols, nil
}

// CatalogFile is the name of the catalog in a folder of references.
const CatalogFile = "catalog.tsv"

// pictureExts are the extensions of the pictures a mood folder holds:
// those imaging decodes.
var pictureExts = []string{".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff"}

// IsPicture reports whether a file's name says it is a picture of a kind
// imaging decodes.
func IsPicture(name string) bool {
	return slices.Contains(pictureExts, strings.ToLower(path.Ext(name))) && !strings.HasPrefix(path.Base(name), ".")
}

// MoodFolder returns the tags a folder's name gives its pictures: a mood
// ("misty") or, as the paper tags photos, an adjective and a noun ("Misty
// lake"; the first word is the adjective), each a Word.
func MoodFolder(name string) (adjective, noun string, err error) {
	w, err := Word(name)
	if err != nil {
		return "", "", fmt.Errorf("mood folder %q: %w", name, err)
	}
	adjective, noun, _ = strings.Cut(w, " ")
	return adjective, noun, nil
}

// ReadFolder lists the references of a folder: the rows of its
// catalog.tsv, or, without one, the pictures of its mood folders (see
// MoodFolder), each picture's File its path in the folder. A mood folder
// with no pictures, a picture outside a mood folder and a folder inside one
// are refused, each named.
func ReadFolder(dir string) ([]Entry, error) {
	entries, err := ReadCatalogFile(filepath.Join(dir, CatalogFile))
	if !errors.Is(err, fs.ErrNotExist) {
		return entries, err
	}
	top, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("retrieval: %w", err)
	}
	var out []Entry
	var errs []error
	for _, d := range top {
		name := d.Name()
		switch {
		case strings.HasPrefix(name, "."):
		case !d.IsDir() && IsPicture(name):
			errs = append(errs, fmt.Errorf("%s: a picture outside a mood folder (put it in a folder named after its mood, or list it in %s)", name, CatalogFile))
		case d.IsDir():
			adj, noun, err := MoodFolder(name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			inner, err := os.ReadDir(filepath.Join(dir, name))
			if err != nil {
				errs = append(errs, fmt.Errorf("retrieval: %w", err))
				continue
			}
			n := 0
			for _, p := range inner {
				switch {
				case strings.HasPrefix(p.Name(), "."):
				case p.IsDir():
					errs = append(errs, fmt.Errorf("%s/%s: a folder inside a mood folder (name a folder \"%s noun\" for a subject)", name, p.Name(), adj))
				case IsPicture(p.Name()):
					file := name + "/" + p.Name()
					out = append(out, Entry{ID: uint32(len(out)), File: file, Adjective: adj, Noun: noun, Source: file, Picture: file})
					n++
				}
			}
			if n == 0 {
				errs = append(errs, fmt.Errorf("%s: the mood %q has no pictures", name, adj))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("retrieval: %s has neither a %s nor mood folders with pictures", dir, CatalogFile)
	}
	return out, nil
}

// maxBuildErrors is how many bad pictures Build names before it gives up
// listing them.
const maxBuildErrors = 20

// Build makes the index of a folder of references (ReadFolder), with
// subject features by subject if it is not nil. Each picture is decoded
// and its entry made by NewEntry; each, if not nil, then gets the entry
// with its working-size picture (cmd/build writes the picture the page
// shows and may set the entry's Picture). Pictures are read by several
// goroutines at once, so each may be called concurrently, for different
// entries. A picture that cannot be read, a duplicate (the same bytes as
// another) or an error from each refuses the whole folder: every problem is
// named, and nothing is half built.
func Build(dir string, subject *Subject, each func(e *Entry, working *imaging.RGB) error) (*Index, error) {
	entries, err := ReadFolder(dir)
	if err != nil {
		return nil, err
	}
	sums := make([][sha256.Size]byte, len(entries))
	errs := make([]error, len(entries))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(entries)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = buildEntry(dir, &entries[i], &sums[i], subject, each)
			}
		})
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	first := map[[sha256.Size]byte]string{}
	var bad []error
	for i, e := range entries {
		if errs[i] == nil {
			if f, ok := first[sums[i]]; ok {
				errs[i] = fmt.Errorf("%s is the same picture as %s", e.File, f)
			} else {
				first[sums[i]] = e.File
			}
		}
		if errs[i] != nil {
			if len(bad) == maxBuildErrors {
				bad = append(bad, fmt.Errorf("and more"))
				break
			}
			bad = append(bad, errs[i])
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("retrieval: %s: %w", dir, errors.Join(bad...))
	}
	ix, err := New(entries)
	if err != nil {
		return nil, err
	}
	if subject != nil {
		ix.Subject = subject.Name()
	}
	return ix, nil
}

// buildEntry reads the picture of e, notes the sha256 of its bytes in sum
// and makes its entry.
func buildEntry(dir string, e *Entry, sum *[sha256.Size]byte, subject *Subject, each func(*Entry, *imaging.RGB) error) error {
	m, s, err := readPicture(filepath.Join(dir, filepath.FromSlash(e.File)))
	if err != nil {
		return err
	}
	*sum = s
	entry, w, err := NewEntry(*e, m, subject)
	if err != nil {
		return fmt.Errorf("%s: %w", e.File, err)
	}
	*e = entry
	if each != nil {
		if err := each(e, w); err != nil {
			return fmt.Errorf("%s: %w", e.File, err)
		}
	}
	return nil
}

// readPicture decodes the picture file at p and returns the sha256 of the
// bytes the decoder read.
func readPicture(p string) (*imaging.RGB, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := infile.Open(p, "picture", imaging.MaxFileBytes)
	if err != nil {
		return nil, sum, err
	}
	defer f.Close()
	h := sha256.New()
	m, _, err := imaging.Decode(io.TeeReader(f, h))
	if err != nil {
		return nil, sum, fmt.Errorf("%s: %w", p, err)
	}
	h.Sum(sum[:0])
	return m, sum, nil
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
