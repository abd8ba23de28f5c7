package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF with image.Decode
	_ "image/jpeg"
	_ "image/png"
	"io"
	"math"
	"os"
	"strings"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"sentiment/internal/infile"
)

// Errors that Decode returns, wrapped with detail; test with errors.Is.
var (
	// ErrFormat means the data is not an image of a supported format:
	// JPEG, PNG, GIF, BMP, WebP or TIFF.
	ErrFormat = errors.New("imaging: not an image of a supported format (JPEG, PNG, GIF, BMP, WebP, TIFF)")
	// ErrTooLarge means the image or its file is beyond a limit:
	// MaxPixels, MaxSide or MaxFileBytes.
	ErrTooLarge = errors.New("imaging: image too large")
	// ErrCorrupt means the header was recognized but the data is damaged
	// or truncated.
	ErrCorrupt = errors.New("imaging: corrupt or truncated image")
)

// Decode reads an image in any supported format from r and returns it
// upright: the EXIF orientation of a JPEG or TIFF is applied, as browsers
// and photo viewers do. The string is the format name ("jpeg", "png",
// "gif", "bmp", "webp", "tiff"). Colour is straight; alpha, if any, is
// dropped (DecodeAlpha keeps it).
//
// Every limit is checked before the pixels are decoded: the header is read
// first (a few kilobytes, up to IFD0 in a TIFF), at most MaxFileBytes are
// ever read from r, and the pixels stream from r rather than from a copy of
// the file (x/image/tiff alone keeps what it reads). Metadata before the
// pixels costs no memory beyond 2 MB: a longer header is read again from
// the start of an r that can seek (a file, bytes) and refused from one
// that cannot. A JPEG that lacks only its end marker decodes, as browsers
// show it.
func Decode(r io.Reader) (*RGB, string, error) {
	m, _, format, err := decode(r, false)
	return m, format, err
}

// DecodeAlpha decodes as Decode does and also returns the image's alpha
// plane, upright like the colour, or nil when the image is opaque.
func DecodeAlpha(r io.Reader) (*RGB, *Alpha, string, error) {
	return decode(r, true)
}

// DecodeFile decodes the image file at path, as Decode does.
func DecodeFile(path string) (*RGB, string, error) {
	m, _, format, err := decodeFile(path, false)
	return m, format, err
}

// DecodeFileAlpha decodes the image file at path, as DecodeAlpha does. A
// regular file longer than MaxFileBytes is refused before any byte is read.
func DecodeFileAlpha(path string) (*RGB, *Alpha, string, error) {
	return decodeFile(path, true)
}

func decodeFile(path string, withAlpha bool) (*RGB, *Alpha, string, error) {
	f, err := openImage(path)
	if err != nil {
		return nil, nil, "", err
	}
	defer f.Close()
	m, a, format, err := decode(f, withAlpha)
	if err != nil {
		return nil, nil, format, fmt.Errorf("%s: %w", path, err)
	}
	return m, a, format, nil
}

// openImage opens the image file at path for a decoder. Only a regular
// file is opened: a FIFO would hang the open, a device like /dev/zero
// never end (the decoder's own limit would stop it, a gigabyte later). A
// file longer than maxFileBytes is refused by its size.
func openImage(path string) (*os.File, error) {
	f, err := infile.Open(path, "image file", math.MaxInt64)
	if err != nil {
		return nil, fmt.Errorf("imaging: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() > maxFileBytes {
		err = fmt.Errorf("%s: %w", path, fileTooLarge(fi.Size()))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// DecodeBytes decodes an image held in memory, as Decode does.
func DecodeBytes(b []byte) (*RGB, string, error) {
	if int64(len(b)) > maxFileBytes {
		return nil, "", fileTooLarge(int64(len(b)))
	}
	m, _, format, err := decode(bytes.NewReader(b), false)
	return m, format, err
}

func decode(r io.Reader, withAlpha bool) (*RGB, *Alpha, string, error) {
	img, o, format, err := decodeImage(r)
	if err != nil {
		return nil, nil, format, err
	}
	m, a := convert(img, o, withAlpha)
	return m, a, format, nil
}

// decodeImage decodes the image in r, checking every limit first, and
// returns it as its decoder made it with the EXIF orientation to show it
// under.
func decodeImage(r io.Reader) (img image.Image, o int, format string, err error) {
	// A source that can seek (a file, bytes in memory) is read a second
	// time from here if its header was too long to keep.
	seeker, _ := r.(io.Seeker)
	var start int64
	if seeker != nil {
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			seeker = nil
		}
	}
	// Whatever the decoders ask for, at most maxFileBytes+1 bytes are read:
	// a stream like /dev/zero ends there.
	lr := &io.LimitedReader{R: r, N: maxFileBytes + 1}
	// The decoders of golang.org/x/image are not all as hardened against
	// hostile input as the standard library's; a panic there, reading the
	// header or the pixels, must reach the caller as an error like any
	// other damaged file.
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%w: %s decoder failed: %v", ErrCorrupt, orUnknown(format), p)
		}
	}()
	// The header is kept as it is read, up to maxHeadBytes: the pixels are
	// decoded from it followed by the rest of the stream, and the EXIF
	// orientation read from it (Exif puts it right after the JPEG's SOI,
	// before the frame header that ends DecodeConfig; a TIFF's is in IFD0,
	// which DecodeConfig reads whole).
	head := &headBuffer{}
	var cfg image.Config
	cfg, format, err = image.DecodeConfig(io.TeeReader(lr, head))
	if lr.N <= 0 {
		return nil, 0, format, fileTooLarge(-1)
	}
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, 0, "", ErrFormat
		}
		return nil, 0, format, fmt.Errorf("%w: %s", ErrCorrupt, detail(format+" header", err))
	}
	if err := CheckSize(cfg.Width, cfg.Height); err != nil {
		return nil, 0, format, err
	}
	o = 1
	if format == "jpeg" || format == "tiff" {
		o = Orientation(head.Bytes())
	}
	var src io.Reader
	switch {
	case !head.over:
		src = io.MultiReader(bytes.NewReader(head.Bytes()), lr)
	case seeker != nil:
		// Metadata longer than maxHeadBytes before the picture (a PNG's
		// iCCP before its PLTE, a JPEG's APPn segments before its frame):
		// read it again rather than keep it, so that it costs time, not
		// memory.
		head = nil
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return nil, 0, format, fmt.Errorf("%w: %s: %v", ErrCorrupt, format, err)
		}
		lr = &io.LimitedReader{R: r, N: maxFileBytes + 1}
		src = lr
	default:
		return nil, 0, format, fmt.Errorf("%w: more than %d bytes of metadata before the picture, in a stream that cannot be read twice", ErrTooLarge, maxHeadBytes)
	}
	if format == "jpeg" {
		src = &endMarker{r: src}
	}
	img, _, err = image.Decode(src)
	if lr.N <= 0 {
		return nil, 0, format, fileTooLarge(-1)
	}
	if err != nil {
		return nil, 0, format, fmt.Errorf("%w: %s", ErrCorrupt, detail(format, err))
	}
	if img.Bounds().Dx() != cfg.Width || img.Bounds().Dy() != cfg.Height {
		return nil, 0, format, fmt.Errorf("%w: %s header says %d×%d, pixels are %d×%d", ErrCorrupt, format, cfg.Width, cfg.Height, img.Bounds().Dx(), img.Bounds().Dy())
	}
	return img, o, format, nil
}

// detail says what a decoder reported, prefixed with what was decoded
// unless the decoder's message starts with it ("png: invalid format", not
// "png: png: invalid format").
func detail(what string, err error) string {
	msg := err.Error()
	format, _, _ := strings.Cut(what, " ")
	if strings.HasPrefix(msg, format+": ") {
		return msg
	}
	return what + ": " + msg
}

// maxHeadBytes is the most of a file's start that decode keeps while it
// reads the header: every photo's metadata before its pixels (EXIF, an
// ICC profile, XMP) fits in far less. A TIFF, whose decoder keeps the
// whole file anyway, is kept whole.
const maxHeadBytes = 2 << 20

// headBuffer keeps what is written to it up to maxHeadBytes (or all of a
// TIFF), and notes whether more came.
type headBuffer struct {
	bytes.Buffer
	over, whole bool
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if h.over {
		return len(p), nil
	}
	if h.Len() < 4 && h.Len()+len(p) >= 4 {
		magic := string(append(append([]byte(nil), h.Bytes()...), p[:4-h.Len()]...))
		h.whole = magic == "II*\x00" || magic == "MM\x00*"
	}
	if !h.whole && h.Len()+len(p) > maxHeadBytes {
		h.over = true
		h.Buffer = bytes.Buffer{}
		return len(p), nil
	}
	return h.Buffer.Write(p)
}

// endMarker reads a JPEG stream and, where it ends without the
// end-of-image marker (FF D9), adds one: browsers show such a file, whose
// picture is whole; a file cut short elsewhere stays refused, its
// entropy-coded data or its next marker cut.
type endMarker struct {
	r    io.Reader
	last [2]byte // the stream's last two bytes so far
	tail []byte  // the marker still to give, once added
	done bool
}

func (e *endMarker) Read(p []byte) (int, error) {
	if e.done {
		if len(e.tail) == 0 {
			return 0, io.EOF
		}
		n := copy(p, e.tail)
		e.tail = e.tail[n:]
		return n, nil
	}
	n, err := e.r.Read(p)
	switch {
	case n >= 2:
		e.last = [2]byte{p[n-2], p[n-1]}
	case n == 1:
		e.last = [2]byte{e.last[1], p[0]}
	}
	if err == io.EOF {
		e.done = true
		if e.last != [2]byte{0xff, 0xd9} {
			e.tail = []byte{0xff, 0xd9}
		}
		if n > 0 {
			return n, nil
		}
		return e.Read(p)
	}
	return n, err
}

func orUnknown(format string) string {
	if format == "" {
		return "image"
	}
	return format
}
