package torch

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// torchStorage is a storage as a torch file declares it.
type torchStorage struct {
	key       string
	size      int64 // elements
	fileBytes int64 // bytes per element in the file
	memBytes  int64 // bytes per element once gopickle decodes it
}

// storageSizes gives, by torch class name, the bytes an element takes in
// the file and in gopickle's decoded storage (half and bfloat16 widen to
// float32).
var storageSizes = map[string][2]int64{
	"FloatStorage": {4, 4}, "HalfStorage": {2, 4}, "BFloat16Storage": {2, 4}, "DoubleStorage": {8, 8},
	"CharStorage": {1, 1}, "ByteStorage": {1, 1}, "BoolStorage": {1, 1}, "ShortStorage": {2, 2},
	"IntStorage": {4, 4}, "LongStorage": {8, 8},
}

// storageClass marks a torch storage class while checking a file.
type storageClass struct{ name string }

// anyObject stands for every other class and object while checking a
// file: whatever it is given, it accepts (gopickle's own load then judges
// the file's objects).
type anyObject struct{}

func (anyObject) Call(...interface{}) (interface{}, error)  { return anyObject{}, nil }
func (anyObject) PyNew(...interface{}) (interface{}, error) { return anyObject{}, nil }
func (anyObject) PySetState(interface{}) error              { return nil }
func (anyObject) PyDictSet(_, _ interface{}) error          { return nil }
func (anyObject) PySetAttr(string, interface{}) error       { return nil }

// checkTorchStorages reads the file's pickles as gopickle will, without
// allocating any storage, and checks each declared storage against the
// bytes actually present (the zip record, or the legacy file's rest) and
// their decoded total against MaxBytes. It returns what is left of
// that limit for the tensors themselves.
func checkTorchStorages(path string) (int64, error) {
	var storages []torchStorage
	newUnpickler := func(r io.Reader) *pickle.Unpickler {
		u := pickle.NewUnpickler(r)
		u.FindClass = func(module, name string) (interface{}, error) {
			if _, ok := storageSizes[name]; ok && module == "torch" {
				return storageClass{name}, nil
			}
			if module == "collections" && name == "OrderedDict" {
				return &types.OrderedDictClass{}, nil
			}
			return anyObject{}, nil
		}
		u.PersistentLoad = func(id interface{}) (interface{}, error) {
			t, ok := id.(*types.Tuple)
			if !ok || t.Len() < 5 {
				return nil, nil // not a storage: gopickle will say what it is
			}
			c, ok1 := t.Get(1).(storageClass)
			key, ok2 := t.Get(2).(string)
			size, ok3 := t.Get(4).(int)
			if typ, _ := t.Get(0).(string); typ != "storage" || !ok1 || !ok2 {
				return nil, nil
			}
			if !ok3 || size < 0 {
				return nil, fmt.Errorf("storage %s: size %v", key, t.Get(4))
			}
			sz := storageSizes[c.name]
			storages = append(storages, torchStorage{key, int64(size), sz[0], sz[1]})
			return nil, nil
		}
		return &u
	}
	var err error
	if z, zerr := zip.OpenReader(path); zerr == nil {
		err = checkZipStorages(z, newUnpickler, &storages)
		z.Close()
	} else {
		err = checkLegacyStorages(path, newUnpickler, &storages)
	}
	if err != nil {
		return 0, err
	}
	budget, seen := MaxBytes, map[string]bool{}
	for _, s := range storages {
		if seen[s.key] {
			continue
		}
		seen[s.key] = true
		if s.size > budget/s.memBytes {
			return 0, fmt.Errorf("storage %s of %d elements exceeds the loader's limit of %d bytes", s.key, s.size, MaxBytes)
		}
		budget -= s.size * s.memBytes
	}
	return budget, nil
}

// checkZipStorages checks the zip format (PyTorch ≥ 1.6): each storage
// is the record data/KEY, which torch.save writes uncompressed.
func checkZipStorages(z *zip.ReadCloser, newUnpickler func(io.Reader) *pickle.Unpickler, storages *[]torchStorage) error {
	records := map[string]*zip.File{}
	var data *zip.File
	for _, f := range z.File {
		_, name := path.Split(f.Name)
		records[name] = f
		if name == "data.pkl" {
			data = f
		}
	}
	if data == nil {
		return nil // gopickle says what is missing
	}
	if data.Method != zip.Store || data.CompressedSize64 > 1<<30 {
		return fmt.Errorf("data.pkl: a compressed or oversized record (torch.save stores it uncompressed)")
	}
	r, err := data.Open()
	if err != nil {
		return err
	}
	pkl, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		return err
	}
	if _, err := walkPickle(pkl); err != nil {
		return fmt.Errorf("data.pkl: %w", err)
	}
	if _, err := newUnpickler(bytes.NewReader(pkl)).Load(); err != nil {
		return fmt.Errorf("not a readable torch.save file: %w", err)
	}
	for _, s := range *storages {
		f := records[s.key]
		if f == nil {
			return fmt.Errorf("storage %s: no record in the archive", s.key)
		}
		if f.Method != zip.Store {
			return fmt.Errorf("storage %s: a compressed record (torch.save stores them uncompressed)", s.key)
		}
		if have := int64(f.CompressedSize64); f.CompressedSize64 > math.MaxInt64 || s.size > have/s.fileBytes {
			return fmt.Errorf("storage %s declares %d elements, its record holds %d bytes", s.key, s.size, f.CompressedSize64)
		}
	}
	return nil
}

// checkLegacyStorages checks the legacy format: magic number, protocol,
// system info, the object, the storage keys, then each storage as an
// element count and its bytes, which gopickle trusts over the object's.
func checkLegacyStorages(path string, newUnpickler func(io.Reader) *pickle.Unpickler, storages *[]torchStorage) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	// Walk the five pickles first: every length in them must fit the file
	// before the unpickler, which allocates what they say, reads them. They
	// open the file and are small beside the storages after them: read a
	// megabyte, and more only while they do not fit in what was read.
	var b []byte
	off := 0
	for size := int64(1 << 20); ; size *= 8 {
		size = min(size, fi.Size(), 1<<30)
		b = make([]byte, size)
		if _, err := f.ReadAt(b, 0); err != nil {
			return err
		}
		off, err = walkPickles(b, 5)
		if err == nil {
			break
		}
		if size == fi.Size() || size == 1<<30 {
			return fmt.Errorf("not a readable torch.save file: %w", err)
		}
	}
	r := bytes.NewReader(b[:off])
	var keys interface{}
	for i := 0; i < 5; i++ {
		v, err := newUnpickler(r).Load()
		if err != nil {
			return fmt.Errorf("not a readable torch.save file: %w", err)
		}
		keys = v
	}
	list, ok := keys.(*types.List)
	if !ok {
		return fmt.Errorf("not a readable torch.save file: no storage keys")
	}
	declared := map[string]torchStorage{}
	for _, s := range *storages {
		declared[s.key] = s
	}
	*storages = (*storages)[:0]
	pos := int64(off)
	for _, k := range *list {
		key, _ := k.(string)
		s, ok := declared[key]
		if !ok {
			return fmt.Errorf("storage key %v not declared by the object", k)
		}
		var head [8]byte
		if _, err := f.ReadAt(head[:], pos); err != nil {
			return fmt.Errorf("storage %s: %w", key, err)
		}
		pos += 8
		size, left := binary.LittleEndian.Uint64(head[:]), fi.Size()-pos
		if size > uint64(left/s.fileBytes) {
			return fmt.Errorf("storage %s declares %d elements, %d bytes remain in the file", key, size, left)
		}
		s.size = int64(size)
		*storages = append(*storages, s)
		pos += s.size * s.fileBytes
	}
	return nil
}

// walkPickles returns the length of the first n pickles in b, walked
// with walkPickle.
func walkPickles(b []byte, n int) (int, error) {
	off := 0
	for i := 0; i < n; i++ {
		m, err := walkPickle(b[off:])
		if err != nil {
			return 0, fmt.Errorf("pickle %d: %w", i+1, err)
		}
		off += m
	}
	return off, nil
}

// walkPickle returns the length of the pickle at the start of b, up to and
// including its STOP, after checking that every length-prefixed argument
// (strings, bytes, longs, frames) fits in b: gopickle allocates what a
// length says before reading, so a 6-byte BINBYTES8 could ask for an
// exabyte. It knows every opcode of protocols 0 to 5.
func walkPickle(b []byte) (int, error) {
	pos := 0
	need := func(n uint64) error {
		if n > uint64(len(b)-pos) {
			return fmt.Errorf("an argument of %d bytes at offset %d, %d bytes left", n, pos, len(b)-pos)
		}
		return nil
	}
	for {
		if pos >= len(b) {
			return 0, fmt.Errorf("no STOP opcode")
		}
		op := b[pos]
		pos++
		var n uint64  // fixed-size argument bytes
		lines := 0    // newline-terminated arguments
		var width int // bytes of a length prefix
		switch op {
		case '(', '.', '0', '1', '2', 'N', 'R', 'a', 'b', 'd', '}', 'e', 'l', ']', 'o', 's', 't', ')', 'u', 'Q',
			0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98:
		case 'K', 'h', 'q', 0x80, 0x82:
			n = 1
		case 'M', 0x83:
			n = 2
		case 'J', 'j', 'r', 0x84:
			n = 4
		case 'G', 0x95: // a frame's length only announces the opcodes that follow
			n = 8
		case 'U', 0x8c, 'C', 0x8a:
			width = 1
		case 'T', 'X', 'B', 0x8b:
			width = 4
		case 0x8d, 0x8e, 0x96:
			width = 8
		case 'I', 'L', 'F', 'S', 'V', 'P', 'g', 'p':
			lines = 1
		case 'c', 'i':
			lines = 2
		default:
			return 0, fmt.Errorf("unknown opcode %#x at offset %d", op, pos-1)
		}
		if width > 0 {
			if err := need(uint64(width)); err != nil {
				return 0, err
			}
			var w [8]byte
			copy(w[:], b[pos:pos+width])
			n = binary.LittleEndian.Uint64(w[:])
			if width == 4 && op != 'X' && op != 'B' && int32(n) < 0 { // BINSTRING and LONG4 are signed
				return 0, fmt.Errorf("negative length at offset %d", pos)
			}
			pos += width
		}
		if err := need(n); err != nil {
			return 0, err
		}
		if op == 0x95 {
			if err := need(binary.LittleEndian.Uint64(b[pos:])); err != nil {
				return 0, fmt.Errorf("frame: %w", err)
			}
		}
		pos += int(n)
		for ; lines > 0; lines-- {
			i := bytes.IndexByte(b[pos:], '\n')
			if i < 0 {
				return 0, fmt.Errorf("unterminated line at offset %d", pos)
			}
			pos += i + 1
		}
		if op == '.' {
			return pos, nil
		}
	}
}
