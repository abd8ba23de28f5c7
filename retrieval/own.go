package retrieval

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// With returns an index of ix's entries followed by own, the user's own
// references, marked Own. An own entry takes ix's polarity for an adjective
// ix has (a user's word keeps the collection's sense), else that of the
// first own entry with its adjective, and a new id after
// ix's; one whose subject features ix's network did not make (other
// lengths, or an ix without features) loses them. ix may be nil (a site
// without an index). Neither ix nor own is changed.
func (ix *Index) With(own []Entry) (*Index, error) {
	var base []Entry
	subject := ""
	if ix != nil {
		base, subject = ix.Entries, ix.Subject
	}
	all := slices.Clone(base)
	pol := map[string]Polarity{}
	next := uint32(0)
	dim := 0
	for _, e := range base {
		pol[e.Adjective] = e.Polarity
		next = max(next, e.ID+1)
		dim = max(dim, len(e.Subject))
	}
	for _, e := range own {
		if p, ok := pol[e.Adjective]; ok {
			e.Polarity = p
		} else {
			pol[e.Adjective] = e.Polarity // the first to say decides
		}
		if subject == "" || len(e.Subject) != dim {
			e.Subject = nil
		}
		e.ID, e.Own = next, true
		next++
		all = append(all, e)
	}
	out, err := New(all)
	if err != nil {
		return nil, fmt.Errorf("retrieval: your own references: %w", err)
	}
	out.Subject = subject
	return out, nil
}

// maxWord bounds a mood or subject word a user types.
const maxWord = 40

// Word returns a mood or subject word as the index keeps a user's: its
// words lower-cased and single-spaced ("Misty  Lake " is "misty lake"),
// so that it joins the collection's word of the same spelling. It refuses
// an empty word, one longer than 40 bytes and one with control characters.
func Word(s string) (string, error) {
	w := strings.ToLower(strings.Join(strings.Fields(s), " "))
	switch {
	case w == "":
		return "", errors.New("retrieval: an empty word")
	case len(w) > maxWord:
		return "", fmt.Errorf("retrieval: %.20q… is longer than %d bytes: a mood or subject is a word or two", w, maxWord)
	case strings.IndexFunc(w, unicode.IsControl) >= 0 || !utf8.ValidString(w):
		return "", fmt.Errorf("retrieval: %q has control characters", w)
	}
	return w, nil
}
