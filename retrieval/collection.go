package retrieval

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"sentiment/imaging"
)

// A collection file holds a reference collection in one file: what the
// page exports and imports, `sentiment index` writes and retrieve,
// transfer and the build read. It is a zip of IndexName, the index, and
// the pictures its entries name (JPEG at the working size), stored as they
// are: JPEG does not compress.
const IndexName = "index.bin"

// The bounds of a collection file's contents, checked before anything is
// read: the pictures are working-size JPEGs of a few hundred kB.
const (
	maxCollectionFiles = 1 << 14
	maxPictureBytes    = 8 << 20
	maxIndexBytes      = 64 << 20
)

// ErrNotCollection is returned (wrapped) for data that is not a complete,
// well-formed collection file.
var ErrNotCollection = errors.New("retrieval: not a collection file")

// WriteCollection writes ix and its pictures as a collection file to w.
// picture returns the bytes of an entry's picture; each is stored under
// the entry's Picture, which must be a plain relative path.
func WriteCollection(w io.Writer, ix *Index, picture func(*Entry) ([]byte, error)) error {
	data, err := ix.MarshalBinary()
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	if err := store(z, IndexName, data); err != nil {
		return err
	}
	seen := map[string]bool{IndexName: true}
	for i := range ix.Entries {
		e := &ix.Entries[i]
		if !fs.ValidPath(e.Picture) || seen[e.Picture] {
			return fmt.Errorf("retrieval: %s: picture name %q is not a plain relative path or is taken", e.File, e.Picture)
		}
		seen[e.Picture] = true
		b, err := picture(e)
		if err != nil {
			return fmt.Errorf("retrieval: picture of %s: %w", e.File, err)
		}
		if err := store(z, e.Picture, b); err != nil {
			return err
		}
	}
	return z.Close()
}

// store writes one file to z uncompressed.
func store(z *zip.Writer, name string, data []byte) error {
	w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// Collection is a collection file: its index, and its pictures read on
// demand.
type Collection struct {
	Index *Index
	files map[string]*zip.File
}

// ReadCollection reads the index of a collection file of size bytes from
// r, which must stay readable while the pictures are read. Every entry
// must have its picture in the file; sizes and counts are bounded before
// anything is read, and what is read must match its checksum. Errors wrap
// ErrNotCollection, or ErrCorrupt for a damaged index.
func ReadCollection(r io.ReaderAt, size int64) (*Collection, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCollection, err)
	}
	if len(z.File) > maxCollectionFiles {
		return nil, fmt.Errorf("%w: %d files, at most %d", ErrNotCollection, len(z.File), maxCollectionFiles)
	}
	files := map[string]*zip.File{}
	for _, f := range z.File {
		if files[f.Name] != nil {
			return nil, fmt.Errorf("%w: %s twice", ErrNotCollection, f.Name)
		}
		files[f.Name] = f
	}
	f := files[IndexName]
	if f == nil {
		return nil, fmt.Errorf("%w: no %s in it", ErrNotCollection, IndexName)
	}
	data, err := readZipped(f, maxIndexBytes)
	if err != nil {
		return nil, err
	}
	ix, err := Load(data)
	if err != nil {
		return nil, err
	}
	for i := range ix.Entries {
		e := &ix.Entries[i]
		f := files[e.Picture]
		if f == nil {
			return nil, fmt.Errorf("%w: the picture %s of %s is missing", ErrNotCollection, e.Picture, e.File)
		}
		if f.UncompressedSize64 > maxPictureBytes {
			return nil, fmt.Errorf("%w: %s is %d bytes, at most %d", ErrNotCollection, f.Name, f.UncompressedSize64, maxPictureBytes)
		}
	}
	return &Collection{Index: ix, files: files}, nil
}

// readZipped returns the contents of f, refusing more than limit bytes.
func readZipped(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%w: %s is %d bytes, at most %d", ErrNotCollection, f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotCollection, f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("more than %d bytes", limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotCollection, f.Name, err)
	}
	return b, nil
}

// PictureBytes returns the bytes of an entry's picture, as stored.
func (c *Collection) PictureBytes(e *Entry) ([]byte, error) {
	f := c.files[e.Picture]
	if f == nil || e.Picture == IndexName {
		return nil, fmt.Errorf("retrieval: the collection has no picture %s", e.Picture)
	}
	return readZipped(f, maxPictureBytes)
}

// Picture decodes an entry's picture (for Perceptual and the command
// line).
func (c *Collection) Picture(e *Entry) (*imaging.RGB, error) {
	b, err := c.PictureBytes(e)
	if err != nil {
		return nil, err
	}
	m, _, err := imaging.DecodeBytes(b)
	return m, err
}

// IsCollection reports whether data starts as a collection file (a zip)
// does.
func IsCollection(head []byte) bool { return bytes.HasPrefix(head, []byte("PK\x03\x04")) }

// PictureNamer names the working-size JPEG copies of a collection's
// pictures: the file's name with .jpg, its folders joined to it by
// hyphens, unique among the names it gave. It is safe for concurrent use.
type PictureNamer struct {
	mu    sync.Mutex
	taken map[string]bool
}

// Name returns the name of file's copy.
func (p *PictureNamer) Name(file string) string {
	base := strings.TrimSuffix(file, path.Ext(file))
	base = strings.NewReplacer("/", "-", " ", "-", "\\", "-").Replace(base)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.taken == nil {
		p.taken = map[string]bool{IndexName: true}
	}
	name := base + ".jpg"
	for i := 2; p.taken[name]; i++ {
		name = fmt.Sprintf("%s-%d.jpg", base, i)
	}
	p.taken[name] = true
	return name
}
