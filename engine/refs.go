//go:build !js

package engine

import (
	"fmt"
	"path/filepath"

	"sentiment/assets"
	"sentiment/imaging"
	"sentiment/internal/infile"
	"sentiment/retrieval"
)

// maxCollectionBytes bounds a collection file: its pictures are read on
// demand, so only its index is ever held whole (maxIndexBytes).
const maxCollectionBytes = 4 << 30

// Refs is a reference index opened on this machine, with where its
// pictures are: beside the index file, or in the collection file.
type Refs struct {
	Index *retrieval.Index
	// Picture decodes an entry's picture.
	Picture func(*retrieval.Entry) (*imaging.RGB, error)
	where   func(*retrieval.Entry) string
}

// OpenRefs opens the reference index at path — an index file, its
// pictures relative to it, or a collection file (retrieval.WriteCollection)
// — or, if path is "", builds one in memory from the refs folder of the
// assets folder dir, with subject features by subject if it is not nil
// (about half a minute for the assets' references).
func OpenRefs(path, dir string, subject *retrieval.Subject) (*Refs, error) {
	if path == "" {
		root, err := assets.Root(dir)
		if err != nil {
			return nil, err
		}
		base := filepath.Join(root, "refs")
		ix, err := retrieval.Build(base, subject, nil)
		if err != nil {
			return nil, err
		}
		return inFolder(ix, base), nil
	}
	f, err := infile.Open(path, "reference index", maxCollectionBytes)
	if err != nil {
		return nil, badInput(err)
	}
	head := make([]byte, 4)
	if _, err := f.ReadAt(head, 0); err == nil && retrieval.IsCollection(head) {
		// Open while the pictures are read, until the process ends.
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		c, err := retrieval.ReadCollection(f, fi.Size())
		if err != nil {
			return nil, badInput(fmt.Errorf("%s: %w", path, err))
		}
		return &Refs{Index: c.Index, Picture: c.Picture, where: func(e *retrieval.Entry) string { return path + ":" + e.Picture }}, nil
	}
	f.Close()
	data, err := infile.Read(path, "reference index", maxIndexBytes)
	if err != nil {
		return nil, badInput(err)
	}
	ix, err := retrieval.Load(data)
	if err != nil {
		return nil, badInput(fmt.Errorf("%s: %w", path, err))
	}
	return inFolder(ix, filepath.Dir(path)), nil
}

// inFolder returns the references of ix, their pictures relative to base.
func inFolder(ix *retrieval.Index, base string) *Refs {
	return &Refs{Index: ix, Picture: retrieval.Pictures(base), where: func(e *retrieval.Entry) string {
		return filepath.Join(base, filepath.FromSlash(e.Picture))
	}}
}

// Retrieve runs q for photo (see the function Retrieve); each match's
// Path says where its picture is.
func (r *Refs) Retrieve(photo *imaging.RGB, q retrieval.Query) ([]retrieval.Match, error) {
	if q.Perceptual != nil && q.Perceptual.Picture == nil {
		q.Perceptual.Picture = r.Picture
	}
	ms, err := Retrieve(r.Index, "", photo, q)
	for i := range ms {
		ms[i].Path = r.where(ms[i].Entry)
	}
	return ms, err
}
