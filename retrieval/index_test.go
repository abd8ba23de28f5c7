package retrieval

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"reflect"
	"strings"
	"testing"
)

// lcg is a small deterministic generator for synthetic edge maps.
type lcg uint32

func (s *lcg) next() uint8 {
	*s = 1664525**s + 1013904223
	return uint8(*s >> 24)
}

// synthMap returns a smooth synthetic edge map: blobs and lines placed by
// the seed, so that different seeds give different structures.
func synthMap(seed uint32) []uint8 {
	r := lcg(seed)
	m := make([]uint8, Grid*Grid)
	for k := 0; k < 6; k++ {
		cx, cy := int(r.next())%Grid, int(r.next())%Grid
		horizontal := r.next()%2 == 0
		for i := 0; i < Grid; i++ {
			for d := -1; d <= 1; d++ {
				x, y := i, cy+d
				if !horizontal {
					x, y = cx+d, i
				}
				if x >= 0 && x < Grid && y >= 0 && y < Grid {
					m[y*Grid+x] = 255 - uint8(80*abs(d))
				}
			}
		}
	}
	return m
}

func abs(d int) int {
	if d < 0 {
		return -d
	}
	return d
}

func synthEntries(n int) []Entry {
	adjs := []struct {
		name string
		p    Polarity
	}{{"dark", Negative}, {"warm", Positive}, {"misty", Negative}, {"grey", Neutral}}
	nouns := []string{"city", "lake", "mountain"}
	out := make([]Entry, n)
	for i := range out {
		a := adjs[i%len(adjs)]
		out[i] = Entry{
			ID: uint32(i), File: "p" + string(rune('a'+i%26)) + ".jpg", Adjective: a.name, Polarity: a.p,
			Noun: nouns[(i/len(adjs))%len(nouns)], Description: "a picture, «described»", License: "CC0-1.0",
			Author: "Someone", Source: "synthetic", Picture: "refs/p.jpg", Edges: synthMap(uint32(i)),
		}
	}
	return out
}

func synthIndex(t testing.TB, n int) *Index {
	ix, err := New(synthEntries(n))
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestIndexRoundTrip(t *testing.T) {
	ix := synthIndex(t, 9)
	b, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ix) {
		t.Errorf("round trip changed the index:\n%+v\n%+v", got.Entries[0], ix.Entries[0])
	}
	want := []Adjective{{"dark", Negative}, {"grey", Neutral}, {"misty", Negative}, {"warm", Positive}}
	if !reflect.DeepEqual(got.Adjectives, want) || !reflect.DeepEqual(got.Nouns, []string{"city", "lake", "mountain"}) {
		t.Errorf("vocabulary %v %v", got.Adjectives, got.Nouns)
	}
	// Canonical: encoding again gives the same bytes.
	again, _ := got.MarshalBinary()
	if !bytes.Equal(again, b) {
		t.Error("re-encoding differs")
	}
}

// reseal recomputes the checksum of a modified index, so that the test
// reaches the checks behind it.
func reseal(b []byte) []byte {
	b = bytes.Clone(b)
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
	return b
}

func TestLoadRefusesDamage(t *testing.T) {
	good, err := synthIndex(t, 5).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// Every truncation.
	for n := 0; n < len(good); n++ {
		if _, err := Load(good[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut to %d bytes: %v", n, err)
		}
	}
	// Every single-bit flip in the header and the first entry, and a
	// sample of the rest.
	for i := 0; i < len(good); i += 1 + i/200 {
		b := bytes.Clone(good)
		b[i] ^= 1 << (i % 8)
		if _, err := Load(b); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("bit flip at %d: %v", i, err)
		}
	}
	// Damage behind a valid checksum: each is caught by its own check.
	// First byte after the header and the empty subject (its name's length
	// and its features' length): the adjective count.
	vocab := len(magic) + 4 + 2
	cases := map[string]func([]byte) []byte{
		"version 4": func(b []byte) []byte { b[8] = 4; return reseal(b) },
		"version 2": func(b []byte) []byte { b[8] = 2; return reseal(b) },
		"features, no network": func(b []byte) []byte {
			b[vocab-1] = 4
			return reseal(b)
		},
		"grid 48":            func(b []byte) []byte { b[10] = 48; return reseal(b) },
		"adjective count 99": func(b []byte) []byte { b[vocab] = 99; return reseal(b) },
		"no adjectives": func(b []byte) []byte {
			// Drop the adjective list: the entries then point into nothing.
			end := vocab + 1
			for k := 0; k < 4; k++ {
				end += 1 + int(b[end]) + 1
			}
			return reseal(append(append(b[:vocab:vocab], 0), b[end:]...))
		},
		"polarity 7": func(b []byte) []byte {
			b[vocab+1+1+4] = 7 // after count, length and "dark"
			return reseal(b)
		},
		"trailing bytes": func(b []byte) []byte { return reseal(append(b[:len(b)-4:len(b)-4], 0, 0, 0, 0, 0)) },
		"bad magic":      func(b []byte) []byte { b[0] = 'X'; return reseal(b) },
		"invalid UTF-8": func(b []byte) []byte {
			i := bytes.Index(b, []byte("dark"))
			b[i] = 0xFF
			return reseal(b)
		},
		"vocabulary out of order": func(b []byte) []byte {
			i := bytes.Index(b, []byte("city"))
			copy(b[i:], "zzzz")
			return reseal(b)
		},
	}
	for name, f := range cases {
		_, err := Load(f(bytes.Clone(good)))
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Load(reseal(bytes.Clone(good))); err != nil {
		t.Fatalf("resealing alone broke the index: %v", err)
	}
}

func TestNewRefuses(t *testing.T) {
	cases := map[string]func([]Entry){
		"two polarities": func(e []Entry) { e[4].Polarity = Positive },
		"no adjective":   func(e []Entry) { e[1].Adjective = "" },
		"subject lengths": func(e []Entry) {
			e[1].Subject = make([]uint8, 8)
			e[2].Subject = make([]uint8, 9)
		},
		"short map":     func(e []Entry) { e[2].Edges = e[2].Edges[:100] },
		"same id":       func(e []Entry) { e[3].ID = 0 },
		"escaping path": func(e []Entry) { e[0].Picture = "../secret.jpg" },
		"absolute path": func(e []Entry) { e[0].Picture = "/etc/passwd" },
	}
	for name, f := range cases {
		e := synthEntries(6)
		f(e)
		if _, err := New(e); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ix := synthIndex(t, 3)
	ix.Entries[0].Adjective = "unknown"
	if _, err := ix.MarshalBinary(); err == nil {
		t.Error("entry outside the vocabulary encoded")
	}
	ix = synthIndex(t, 3)
	ix.Entries[0].Author = strings.Repeat("x", maxString+1)
	if _, err := ix.MarshalBinary(); err == nil {
		t.Error("overlong text encoded")
	}
}

func TestPolarity(t *testing.T) {
	for _, p := range []Polarity{Neutral, Positive, Negative} {
		q, err := ParsePolarity(p.String())
		if err != nil || q != p {
			t.Errorf("%v: %v %v", p, q, err)
		}
		txt, _ := p.MarshalText()
		var r Polarity
		if err := r.UnmarshalText(txt); err != nil || r != p {
			t.Errorf("text %s: %v %v", txt, r, err)
		}
	}
	if _, err := ParsePolarity("happy"); err == nil {
		t.Error("happy parsed")
	}
	if s := Polarity(9).String(); s != "Polarity(9)" {
		t.Error(s)
	}
}

func FuzzLoad(f *testing.F) {
	// The committed corpus in testdata/fuzz/FuzzLoad holds encoded
	// synthetic indexes; these add a few more shapes.
	for _, n := range []int{1, 3} {
		b, err := synthIndex(f, n).MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(b []byte) {
			ix, err := Load(b)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) || ix != nil {
					t.Fatalf("error %v with index %v", err, ix != nil)
				}
				return
			}
			// Whatever loads is a consistent index that encodes back to
			// the same bytes.
			again, err := ix.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, b) {
				t.Fatal("a loaded index does not encode back to its bytes")
			}
		}
		check(b)
		// Mutations almost never keep the checksum right; resealed, they
		// reach the parser behind it.
		if len(b) >= 4 {
			check(reseal(b))
		}
	})
}
