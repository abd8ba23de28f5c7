package engine

import (
	"archive/zip"
	"bytes"
	"errors"
	"time"
)

// Zip writes a zip file a file at a time and hands back its bytes as they
// are made, so that the page can build the one download of a batch of
// results without holding them in the engine: Add returns the bytes of a
// file as stored (uncompressed: photos do not compress), Close the
// central directory. The page appends the pieces into a Blob.
type Zip struct {
	buf bytes.Buffer
	w   *zip.Writer
}

// NewZip starts a zip file.
func NewZip() *Zip {
	z := &Zip{}
	z.w = zip.NewWriter(&z.buf)
	return z
}

// Add writes the file name with data and returns the zip's bytes since
// the last call.
func (z *Zip) Add(name string, data []byte) ([]byte, error) {
	if z.w == nil {
		return nil, errors.New("zip: closed")
	}
	w, err := z.w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: time.Now()})
	if err != nil {
		return nil, badInput(err)
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := z.w.Flush(); err != nil {
		return nil, err
	}
	return z.take(), nil
}

// Close ends the zip file and returns its last bytes.
func (z *Zip) Close() ([]byte, error) {
	if z.w == nil {
		return nil, errors.New("zip: closed")
	}
	err := z.w.Close()
	z.w = nil
	return z.take(), err
}

// take returns the bytes written since the last call and forgets them.
func (z *Zip) take() []byte {
	b := bytes.Clone(z.buf.Bytes())
	z.buf.Reset()
	return b
}
