package retrieval

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"slices"
	"unicode/utf8"

	"sentiment/look"
)

// The index file, all integers little-endian:
//
//	magic     8 bytes  "SENTREF\x00"
//	version   uint16   3
//	grid      uint16   side of every edge map (Grid)
//	subject   string: the network whose subject features the entries
//	          hold ("" for none), uvarint: their length (0 for none)
//	adjectives uvarint count, then per adjective: string name, byte polarity
//	nouns     uvarint count, then per noun: string name
//	entries   uvarint count, then per entry:
//	            uvarint id
//	            string file, uvarint adjective (index into adjectives),
//	            uvarint noun (0 for none, else 1 + index into nouns),
//	            byte polarity,
//	            string description, licence, author, source, picture
//	            grid·grid bytes: the edge map
//	            byte 1 and the subject features, or byte 0 (none)
//	            the light (look.Light's binary form, look.LightBytes)
//	crc32     uint32   IEEE CRC-32 of everything before it
//
// A string is a uvarint byte length and that many bytes of UTF-8. The CRC
// catches damage in transit or storage (it is no defence against
// tampering, which a static site cannot stop anyway); every read is bounds
// checked, so a damaged file that slips past it is still refused cleanly.
const (
	magic   = "SENTREF\x00"
	version = 3
	// maxString bounds every string field: catalog text is short, and a
	// length field must not make the reader allocate much.
	maxString = 1 << 12
	// maxSubject bounds the length of subject features (a network's
	// deepest channels: 512 for SqueezeNet, 1024 for DenseNet121).
	maxSubject = 1 << 12
)

// ErrCorrupt is returned (wrapped) by Load for data that is not a complete,
// undamaged index.
var ErrCorrupt = errors.New("retrieval: corrupt or truncated index")

// Polarity is the sentiment side of an adjective.
type Polarity uint8

// The polarities of the catalog's polarity column.
const (
	Neutral Polarity = iota
	Positive
	Negative
)

var polarityNames = [...]string{"neutral", "positive", "negative"}

func (p Polarity) String() string {
	if int(p) < len(polarityNames) {
		return polarityNames[p]
	}
	return fmt.Sprintf("Polarity(%d)", uint8(p))
}

// ParsePolarity parses "positive", "negative" or "neutral".
func ParsePolarity(s string) (Polarity, error) {
	for i, n := range polarityNames {
		if s == n {
			return Polarity(i), nil
		}
	}
	return 0, fmt.Errorf("retrieval: polarity %q is not positive, negative or neutral", s)
}

// Adjective is a word of the vocabulary with its polarity.
type Adjective struct {
	Name     string   `json:"name"`
	Polarity Polarity `json:"polarity"`
}

// MarshalText writes a polarity as its name (for JSON).
func (p Polarity) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses a polarity name.
func (p *Polarity) UnmarshalText(b []byte) error {
	v, err := ParsePolarity(string(b))
	*p = v
	return err
}

// Entry is one reference picture of the index. NewEntry makes one from a
// picture and its tags.
type Entry struct {
	ID        uint32 `json:"id"`
	File      string `json:"file"` // the photo's name in the catalog
	Adjective string `json:"adjective"`
	// Noun is what the picture shows, if its catalog says ("" if not).
	Noun        string   `json:"noun"`
	Polarity    Polarity `json:"polarity"`
	Description string   `json:"description"`
	License     string   `json:"license"`
	Author      string   `json:"author"`
	Source      string   `json:"source"`
	// Picture is where the working-size picture is, relative to the index
	// file.
	Picture string `json:"picture"`
	// Edges is the edge map (EdgeMap), Grid·Grid bytes.
	Edges []uint8 `json:"-"`
	// Subject is the picture's subject features (Subject.Features), made
	// by the index's Subject network; nil if none.
	Subject []uint8 `json:"-"`
	// Light is the picture's light (look.Describe), from which a mood's
	// light is made.
	Light look.Light `json:"-"`
	// Own marks a reference of the user's own collection among those the
	// index ships with (With); it is not stored in the file.
	Own bool `json:"own,omitempty"`
}

// Index is the reference collection: its vocabulary and its entries.
type Index struct {
	Adjectives []Adjective // sorted by name, each with one polarity
	Nouns      []string    // sorted
	Entries    []Entry
	// Subject is the name of the network that made the entries' subject
	// features ("" if they have none).
	Subject string
}

// New returns an index of the given entries, deriving the vocabulary from
// them. It fails if an adjective appears with two polarities, an entry has
// no adjective, two entries share an id, a picture path is not a plain
// relative path, an edge map is not of the lattice's size, or two entries
// have subject features of different lengths. The caller sets Subject.
func New(entries []Entry) (*Index, error) {
	ix := &Index{Entries: entries}
	pol := map[string]Polarity{}
	nouns := map[string]bool{}
	ids := map[uint32]bool{}
	if _, err := subjectLen(entries); err != nil {
		return nil, err
	}
	for i := range entries {
		e := &entries[i]
		if e.Adjective == "" {
			return nil, fmt.Errorf("retrieval: entry %q has no adjective", e.File)
		}
		if ids[e.ID] {
			return nil, fmt.Errorf("retrieval: two entries have the id %d (%s)", e.ID, e.File)
		}
		ids[e.ID] = true
		// The page fetches the picture relative to the index: it must stay
		// beside it.
		if e.Picture != "" && !fs.ValidPath(e.Picture) {
			return nil, fmt.Errorf("retrieval: entry %q: picture path %q leaves the index's folder", e.File, e.Picture)
		}
		if err := checkMap(e.Edges); err != nil {
			return nil, fmt.Errorf("%s: %w", e.File, err)
		}
		if p, ok := pol[e.Adjective]; ok && p != e.Polarity {
			return nil, fmt.Errorf("retrieval: adjective %q is both %s and %s (%s)", e.Adjective, p, e.Polarity, e.File)
		}
		if _, ok := pol[e.Adjective]; !ok {
			ix.Adjectives = append(ix.Adjectives, Adjective{e.Adjective, e.Polarity})
		}
		pol[e.Adjective] = e.Polarity
		if !nouns[e.Noun] && e.Noun != "" {
			ix.Nouns = append(ix.Nouns, e.Noun)
		}
		nouns[e.Noun] = true
	}
	slices.SortFunc(ix.Adjectives, func(a, b Adjective) int { return cmp.Compare(a.Name, b.Name) })
	slices.Sort(ix.Nouns)
	return ix, nil
}

// MarshalBinary encodes the index in the file format above.
func (ix *Index) MarshalBinary() ([]byte, error) {
	adj := map[string]int{}
	for i, a := range ix.Adjectives {
		adj[a.Name] = i
	}
	noun := map[string]int{}
	for i, n := range ix.Nouns {
		noun[n] = i
	}
	dim, err := subjectLen(ix.Entries)
	if err != nil {
		return nil, err
	}
	if dim > 0 && ix.Subject == "" {
		return nil, errors.New("retrieval: subject features without the name of the network that made them")
	}
	b := append([]byte(magic), 0, 0, 0, 0)
	binary.LittleEndian.PutUint16(b[8:], version)
	binary.LittleEndian.PutUint16(b[10:], Grid)
	str := func(s string) {
		if len(s) > maxString || !utf8.ValidString(s) {
			err = fmt.Errorf("retrieval: text field %.40q… is longer than %d bytes or not UTF-8", s, maxString)
		}
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	if dim == 0 {
		str("") // no features: no network to name
	} else {
		str(ix.Subject)
	}
	b = binary.AppendUvarint(b, uint64(dim))
	b = binary.AppendUvarint(b, uint64(len(ix.Adjectives)))
	for _, a := range ix.Adjectives {
		str(a.Name)
		b = append(b, byte(a.Polarity))
	}
	b = binary.AppendUvarint(b, uint64(len(ix.Nouns)))
	for _, n := range ix.Nouns {
		str(n)
	}
	b = binary.AppendUvarint(b, uint64(len(ix.Entries)))
	for i := range ix.Entries {
		e := &ix.Entries[i]
		a, okA := adj[e.Adjective]
		n, okN := noun[e.Noun]
		if e.Noun == "" {
			n, okN = -1, true
		}
		if !okA || !okN {
			return nil, fmt.Errorf("retrieval: entry %q: adjective %q or noun %q is not in the vocabulary", e.File, e.Adjective, e.Noun)
		}
		if err := checkMap(e.Edges); err != nil {
			return nil, fmt.Errorf("%s: %w", e.File, err)
		}
		b = binary.AppendUvarint(b, uint64(e.ID))
		str(e.File)
		b = binary.AppendUvarint(b, uint64(a))
		b = binary.AppendUvarint(b, uint64(n+1))
		b = append(b, byte(e.Polarity))
		for _, s := range []string{e.Description, e.License, e.Author, e.Source, e.Picture} {
			str(s)
		}
		b = append(b, e.Edges...)
		if len(e.Subject) == 0 {
			b = append(b, 0)
		} else {
			b = append(append(b, 1), e.Subject...)
		}
		b, _ = e.Light.AppendBinary(b)
	}
	if err != nil {
		return nil, err
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

// subjectLen returns the length of the entries' subject features (0 if
// none has any), checking that those that have them agree.
func subjectLen(entries []Entry) (int, error) {
	dim := 0
	for i := range entries {
		e := &entries[i]
		if n := len(e.Subject); n > 0 {
			if dim != 0 && n != dim || n > maxSubject {
				return 0, fmt.Errorf("retrieval: entry %q has %d subject features, others %d", e.File, n, dim)
			}
			dim = n
		}
	}
	return dim, nil
}

// Load decodes an index encoded by MarshalBinary, refusing damaged,
// truncated or foreign data with an error that wraps ErrCorrupt. The edge
// maps of the entries share data's memory rather than copying it: data must
// not change afterwards.
func Load(data []byte) (*Index, error) {
	const header = len(magic) + 4
	if len(data) < header+4 || string(data[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not an index file (no %q header)", ErrCorrupt, magic[:7])
	}
	if v := binary.LittleEndian.Uint16(data[8:]); v != version {
		return nil, fmt.Errorf("%w: format version %d, this program reads version %d", ErrCorrupt, v, version)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch (damaged or cut short)", ErrCorrupt)
	}
	if g := binary.LittleEndian.Uint16(data[10:]); g != Grid {
		return nil, fmt.Errorf("%w: edge maps of %d×%d, this program uses %d×%d", ErrCorrupt, g, g, Grid, Grid)
	}
	r := &reader{b: body[header:]}
	ix := &Index{Subject: r.str()}
	dim := int(r.uvarint(maxSubject))
	if r.err == nil && (dim == 0) != (ix.Subject == "") {
		r.fail("subject features of length %d from network %q", dim, ix.Subject)
	}
	nAdj := r.count(2)
	for i := 0; i < nAdj && r.err == nil; i++ {
		name := r.str()
		p := r.polarity()
		ix.Adjectives = append(ix.Adjectives, Adjective{name, p})
	}
	nNoun := r.count(1)
	for i := 0; i < nNoun && r.err == nil; i++ {
		ix.Nouns = append(ix.Nouns, r.str())
	}
	nEnt := r.count(Grid * Grid)
	if r.err == nil {
		ix.Entries = make([]Entry, 0, nEnt)
	}
	for i := 0; i < nEnt && r.err == nil; i++ {
		var e Entry
		e.ID = uint32(r.uvarint(1<<32 - 1))
		e.File = r.str()
		if a := r.index(len(ix.Adjectives)); r.err == nil {
			e.Adjective = ix.Adjectives[a].Name
		}
		if n := r.index(len(ix.Nouns) + 1); r.err == nil && n > 0 {
			e.Noun = ix.Nouns[n-1]
		}
		e.Polarity = r.polarity()
		e.Description, e.License, e.Author, e.Source, e.Picture = r.str(), r.str(), r.str(), r.str(), r.str()
		e.Edges = r.bytes(Grid * Grid)
		switch has := r.bytes(1); {
		case r.err != nil:
		case has[0] == 1 && dim > 0:
			e.Subject = r.bytes(dim)
		case has[0] != 0:
			r.fail("subject marker %d", has[0])
		}
		if lb := r.bytes(look.LightBytes); r.err == nil {
			if err := e.Light.UnmarshalBinary(lb); err != nil {
				r.fail("%v", err)
			}
		}
		ix.Entries = append(ix.Entries, e)
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%d bytes after the last entry", len(r.b))
	}
	if r.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, r.err)
	}
	// The vocabulary must be the one the entries imply, so that the page's
	// choices and the entries agree.
	check, err := New(slices.Clone(ix.Entries))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	// Entries without features are allowed; a network named for none is
	// not (it would not encode back to the same bytes).
	if d, _ := subjectLen(ix.Entries); d != dim {
		return nil, fmt.Errorf("%w: subject features of length %d declared, %d found", ErrCorrupt, dim, d)
	}
	if !slices.Equal(check.Adjectives, ix.Adjectives) || !slices.Equal(check.Nouns, ix.Nouns) {
		return nil, fmt.Errorf("%w: the vocabulary does not match the entries", ErrCorrupt)
	}
	return ix, nil
}

// reader reads the fields of an index, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, a...)
	}
}

// uvarint reads a uvarint no larger than limit.
func (r *reader) uvarint(limit uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("bad or missing number")
		return 0
	}
	if n > 1 && r.b[n-1] == 0 { // the writer never pads numbers
		r.fail("number written with padding")
		return 0
	}
	if v > limit {
		r.fail("number %d out of range (at most %d)", v, limit)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// index reads an index into a list of n items.
func (r *reader) index(n int) int {
	if n == 0 {
		r.fail("reference to an empty list")
		return 0
	}
	return int(r.uvarint(uint64(n - 1)))
}

// count reads a count of items that take at least size bytes each, so that
// a damaged count cannot ask for more items than the data could hold.
func (r *reader) count(size int) int {
	return int(r.uvarint(uint64(len(r.b) / size)))
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.fail("%d bytes needed, %d left", n, len(r.b))
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) str() string {
	s := string(r.bytes(int(r.uvarint(maxString))))
	if r.err == nil && !utf8.ValidString(s) {
		r.fail("text that is not UTF-8")
	}
	return s
}

func (r *reader) polarity() Polarity {
	b := r.bytes(1)
	if r.err != nil {
		return 0
	}
	if int(b[0]) >= len(polarityNames) {
		r.fail("polarity %d", b[0])
		return 0
	}
	return Polarity(b[0])
}

// Vocabulary is what an index offers to choose from: its adjectives and
// nouns, each with the number of references tagged with it.
type Vocabulary struct {
	Adjectives []AdjectiveCount `json:"adjectives"`
	Nouns      []NounCount      `json:"nouns"`
}

// AdjectiveCount is an adjective of the vocabulary and its references.
type AdjectiveCount struct {
	Adjective
	Count int `json:"count"`
	Own   int `json:"own,omitempty"` // how many of them are the user's own
}

// NounCount is a noun of the vocabulary and its references.
type NounCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Own   int    `json:"own,omitempty"` // how many of them are the user's own
}

// Vocabulary returns the index's words in their order (by name), each with
// the number of entries tagged with it and how many of those are the
// user's own.
func (ix *Index) Vocabulary() Vocabulary {
	adjs, nouns := map[string][2]int{}, map[string][2]int{}
	for _, e := range ix.Entries {
		own := 0
		if e.Own {
			own = 1
		}
		a, n := adjs[e.Adjective], nouns[e.Noun]
		adjs[e.Adjective] = [2]int{a[0] + 1, a[1] + own}
		nouns[e.Noun] = [2]int{n[0] + 1, n[1] + own}
	}
	v := Vocabulary{Adjectives: make([]AdjectiveCount, len(ix.Adjectives)), Nouns: make([]NounCount, len(ix.Nouns))}
	for i, a := range ix.Adjectives {
		c := adjs[a.Name]
		v.Adjectives[i] = AdjectiveCount{a, c[0], c[1]}
	}
	for i, n := range ix.Nouns {
		c := nouns[n]
		v.Nouns[i] = NounCount{n, c[0], c[1]}
	}
	return v
}
