package retrieval

import (
	"errors"
	"testing"

	"sentiment/look"
)

// lit returns an entry of the adjective whose light's median lightness is l.
func lit(id uint32, adjective string, l float32) Entry {
	e := Entry{ID: id, File: adjective + string(rune('a'+id)), Adjective: adjective, Noun: "lake", Edges: make([]uint8, Grid*Grid)}
	for q := range e.Light.Tone {
		e.Light.Tone[q] = l
	}
	return e
}

func TestBaseWeighsMoodsAlike(t *testing.T) {
	ix, err := New([]Entry{lit(0, "dark", 10), lit(1, "dark", 10), lit(2, "dark", 10), lit(3, "bright", 90)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ix.Base()
	if err != nil {
		t.Fatal(err)
	}
	// Three dark references and one bright weigh as one mood each.
	if b.Tone[3] != 50 {
		t.Errorf("base median lightness %.2f, want 50", b.Tone[3])
	}
	if _, err := (&Index{}).Base(); err == nil {
		t.Error("an empty index has a base")
	}
}

func TestMoodLeansOnTheBestMatch(t *testing.T) {
	ix, err := New([]Entry{lit(0, "misty", 60), lit(1, "misty", 62), lit(2, "misty", 64), lit(3, "misty", 66), lit(4, "dark", 10)})
	if err != nil {
		t.Fatal(err)
	}
	plain, consensus, err := ix.Mood("misty", nil)
	if err != nil || !consensus {
		t.Fatalf("no matches: %v, consensus %v", err, consensus)
	}
	at := func(id uint32, ssim float64) Match { return Match{Entry: &ix.Entries[id], SSIM: ssim} }
	leaned, consensus, _ := ix.Mood("misty", []Match{at(3, 0.20), at(0, 0.10), at(4, 0.5)})
	if consensus {
		t.Error("a good match was taken for a poor one")
	}
	if !(leaned.Light.Tone[3] > plain.Light.Tone[3]+0.5) {
		t.Errorf("the best match (66) moved the mood from %.2f to %.2f, want toward it", plain.Light.Tone[3], leaned.Light.Tone[3])
	}
	poor, consensus, _ := ix.Mood("misty", []Match{at(3, PoorMatch/2)})
	if !consensus || poor.Light != plain.Light {
		t.Errorf("a poor best match: consensus %v, mood %.2f, want the consensus %.2f", consensus, poor.Light.Tone[3], plain.Light.Tone[3])
	}
	if _, _, err := ix.Mood("sunny", nil); !errors.Is(err, ErrNoMatch) {
		t.Errorf("a mood with no references: %v", err)
	}
	var own look.Light
	for q := range own.Tone {
		own.Tone[q] = 90
	}
	withOwn, _, _ := ix.Mood("misty", nil, look.WeightedLight{Light: own, Weight: 1})
	if !(withOwn.Light.Tone[3] > plain.Light.Tone[3]) {
		t.Errorf("an extra light of 90 left the mood at %.2f", withOwn.Light.Tone[3])
	}
}
