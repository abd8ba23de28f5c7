package retrieval

import (
	"reflect"
	"testing"
)

func TestWith(t *testing.T) {
	base := synthEntries(4)
	for i := range base {
		base[i].Subject = features(i%8, 7)
	}
	ix, err := New(base)
	if err != nil {
		t.Fatal(err)
	}
	ix.Subject = "net"
	own := []Entry{
		{ID: 0, File: "mine.jpg", Adjective: "dark", Noun: "city", Polarity: Neutral, Picture: "a.jpg", Edges: synthMap(50), Subject: features(1, 2)},
		{ID: 0, File: "new.jpg", Adjective: "dreamy", Picture: "b.jpg", Edges: synthMap(51), Subject: []uint8{1, 2, 3}},
	}
	all, err := ix.With(own)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Entries) != 6 || all.Subject != "net" {
		t.Fatalf("%d entries, subject %q", len(all.Entries), all.Subject)
	}
	a, b := all.Entries[4], all.Entries[5]
	// The collection's polarity for its word, fresh ids, features of
	// another length dropped; the arguments untouched.
	if !a.Own || !b.Own || all.Entries[0].Own || a.Polarity != Negative || a.ID != 4 || b.ID != 5 || len(a.Subject) != 8 || b.Subject != nil {
		t.Errorf("own entries %+v %+v", a, b)
	}
	if own[0].Own || own[0].Polarity != Neutral || ix.Entries[0].Own || len(ix.Entries) != 4 {
		t.Error("With changed its arguments")
	}
	v := all.Vocabulary()
	var dark, dreamy AdjectiveCount
	for _, c := range v.Adjectives {
		switch c.Name {
		case "dark":
			dark = c
		case "dreamy":
			dreamy = c
		}
	}
	if dark.Count != 2 || dark.Own != 1 || dreamy.Count != 1 || dreamy.Own != 1 || dreamy.Polarity != Neutral {
		t.Errorf("vocabulary %+v", v)
	}
	// No shipped index: the own references alone, without features.
	alone, err := (*Index)(nil).With(own)
	if err != nil || len(alone.Entries) != 2 || alone.Entries[0].Subject != nil {
		t.Errorf("own alone: %v %+v", err, alone)
	}
	// Own entries are not stored as such.
	data, err := all.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.Entries[4].Own || !reflect.DeepEqual(back.Entries[4].Subject, a.Subject) || back.Entries[5].Noun != "" || back.Subject != "net" {
		t.Errorf("round trip %+v", back.Entries[4:])
	}
}

func TestWord(t *testing.T) {
	for in, want := range map[string]string{"Misty": "misty", "  misty \t Lake ": "misty lake", "Ünïcode": "ünïcode"} {
		if got, err := Word(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "   ", "a\x00b", "a very long mood word that nobody would ever type here"} {
		if w, err := Word(bad); err == nil {
			t.Errorf("%q accepted as %q", bad, w)
		}
	}
}
