package retrieval

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// synthCollection returns a collection file of n synthetic entries whose
// pictures are a few bytes each.
func synthCollection(t testing.TB, n int) ([]byte, *Index) {
	es := synthEntries(n)
	for i := range es {
		es[i].Picture = fmt.Sprintf("p%d.jpg", i)
	}
	ix, err := New(es)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCollection(&b, ix, func(e *Entry) ([]byte, error) { return []byte("picture of " + e.Picture), nil }); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), ix
}

func TestCollectionRoundTrip(t *testing.T) {
	data, ix := synthCollection(t, 4)
	if !IsCollection(data) {
		t.Error("not recognised")
	}
	c, err := ReadCollection(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := c.PictureBytes(&ix.Entries[2])
	if !reflect.DeepEqual(c.Index, ix) || err != nil || string(p2) != "picture of p2.jpg" {
		t.Errorf("read back %+v: %q %v", c.Index, p2, err)
	}
	if _, err := c.Picture(&ix.Entries[0]); err == nil {
		t.Error("a picture that is not one decoded")
	}
	// Two entries cannot share a picture; a picture that fails is named.
	ix.Entries[1].Picture = ix.Entries[0].Picture
	if err := WriteCollection(&bytes.Buffer{}, ix, func(*Entry) ([]byte, error) { return nil, nil }); err == nil {
		t.Error("two entries with one picture written")
	}
	ix.Entries[1].Picture = "p1.jpg"
	if err := WriteCollection(&bytes.Buffer{}, ix, func(*Entry) ([]byte, error) { return nil, errors.New("gone") }); err == nil {
		t.Error("a missing picture written")
	}
}

func TestReadCollectionRefuses(t *testing.T) {
	good, ix := synthCollection(t, 2)
	zipOf := func(files map[string][]byte) []byte {
		var b bytes.Buffer
		z := zip.NewWriter(&b)
		for name, data := range files {
			w, _ := z.Create(name)
			w.Write(data)
		}
		z.Close()
		return b.Bytes()
	}
	index, _ := ix.MarshalBinary()
	flipped := bytes.Clone(good)
	flipped[bytes.Index(flipped, []byte("picture of p1"))] ^= 1
	big := make([]byte, maxPictureBytes+1)
	for name, data := range map[string][]byte{
		"not a zip":         []byte("hello"),
		"cut short":         good[:len(good)-10],
		"no index":          zipOf(map[string][]byte{"p0.jpg": {1}}),
		"a missing picture": zipOf(map[string][]byte{IndexName: index, "p0.jpg": {1}}),
		"a damaged index":   zipOf(map[string][]byte{IndexName: index[:len(index)-1], "p0.jpg": {1}, "p1.jpg": {1}}),
		"a huge picture":    zipOf(map[string][]byte{IndexName: index, "p0.jpg": big, "p1.jpg": {1}}),
	} {
		if _, err := ReadCollection(bytes.NewReader(data), int64(len(data))); err == nil {
			t.Errorf("%s: read", name)
		} else if !errors.Is(err, ErrNotCollection) && !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestPictureNamer(t *testing.T) {
	var p PictureNamer
	got := []string{p.Name("a.png"), p.Name("a.jpg"), p.Name("misty lake/b.jpeg"), p.Name("index.jpg"), p.Name("index.bin")}
	want := []string{"a.jpg", "a-2.jpg", "misty-lake-b.jpg", "index.jpg", "index-2.jpg"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("names %v", got)
	}
}

func FuzzReadCollection(f *testing.F) {
	good, _ := synthCollection(f, 2)
	f.Add(good)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ReadCollection(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if c != nil {
				t.Fatal("an error with a collection")
			}
			return
		}
		for i := range c.Index.Entries {
			if _, err := c.PictureBytes(&c.Index.Entries[i]); err != nil && !errors.Is(err, ErrNotCollection) {
				t.Fatalf("entry %d: %v", i, err)
			}
		}
	})
}
