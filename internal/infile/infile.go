// Package infile opens the files a user names as inputs so that no name
// can hang a command or exhaust its memory: only regular files are read
// (a FIFO, a device such as /dev/zero, a socket or a folder is refused
// before a byte is read, links followed), a file longer than the limit of
// its kind is refused by its size before it is read, and a read never
// takes more than that limit even from a file that grows meanwhile. Every
// error names the file.
package infile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge is wrapped by the error for a file beyond its kind's limit.
var ErrTooLarge = errors.New("too large")

// ErrNotRegular is wrapped by the error for a name that is not a regular
// file (a FIFO, a device, a socket, a folder).
var ErrNotRegular = errors.New("not a regular file")

// Open opens path for reading, refusing what is not a regular file and a
// file of more than limit bytes; what names the file's kind in that error
// ("weights file"). The caller reads at most limit bytes from it
// (Read does).
func Open(path, what string, limit int64) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err // *PathError: it names the file
	}
	if err := check(path, what, fi, limit); err != nil {
		return nil, err
	}
	// Opened without blocking, so that a FIFO put in the file's place
	// since the Stat cannot hold the open; the descriptor is then checked
	// to be the file the Stat saw.
	f, err := os.OpenFile(path, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, err
	}
	fi2, err := f.Stat()
	if err == nil && !os.SameFile(fi, fi2) {
		err = fmt.Errorf("%s: changed while it was opened", path)
	}
	if err == nil {
		err = check(path, what, fi2, limit)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// check refuses what is not a regular file or is longer than limit.
func check(path, what string, fi fs.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: %w: it is %s", path, ErrNotRegular, kind(fi.Mode()))
	}
	if fi.Size() > limit {
		return fmt.Errorf("%s: %w: %d bytes, more than the %d a %s may have", path, ErrTooLarge, fi.Size(), limit, what)
	}
	return nil
}

// kind names a file type that is not a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

// Read returns the contents of the regular file path of at most limit
// bytes, as Open checks it; a file that grows past limit while it is read
// is refused, not truncated.
func Read(path, what string, limit int64) ([]byte, error) {
	f, err := Open(path, what, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data := make([]byte, 0, min(fi.Size(), limit)+1)
	data, err = readAll(io.LimitReader(f, limit+1), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w: more than the %d bytes a %s may have", path, ErrTooLarge, limit, what)
	}
	return data, nil
}

// readAll appends r's bytes to b until EOF.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
