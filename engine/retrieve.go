package engine

import (
	"errors"
	"path/filepath"

	"sentiment/imaging"
	"sentiment/retrieval"
)

// Retrieve runs q on the index for photo. base, if not empty, is the
// folder that holds the index on this machine: each match's Path is then
// its picture's file. A query that selects nothing is the caller's error.
func Retrieve(ix *retrieval.Index, base string, photo *imaging.RGB, q retrieval.Query) ([]retrieval.Match, error) {
	if base != "" && q.Perceptual != nil && q.Perceptual.Picture == nil {
		q.Perceptual.Picture = retrieval.Pictures(base)
	}
	ms, err := retrieval.Retrieve(ix, photo, q)
	if errors.Is(err, retrieval.ErrNoMatch) {
		return nil, badInput(err)
	}
	if err != nil {
		return nil, err
	}
	if base != "" {
		for i := range ms {
			ms[i].Path = filepath.Join(base, filepath.FromSlash(ms[i].Picture))
		}
	}
	return ms, nil
}
