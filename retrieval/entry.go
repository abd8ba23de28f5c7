package retrieval

import (
	"sentiment/imaging"
	"sentiment/look"
)

// NewEntry makes the index entry of a reference picture: tags gives what
// its catalog says (ID, File, Adjective, Noun, Polarity, the attribution,
// Picture) and everything else is taken from the picture, brought to the
// working size first: its edge map and, if subject is not nil, its subject
// features. It returns the entry and the working-size picture, which the
// caller keeps where Picture says.
//
// It is the one place where an entry is made — for the index the site
// ships (cmd/build), for `sentiment index`, and for the references a user
// adds in the page (engine.Describe) — so that whatever an entry comes to
// hold reaches all three.
func NewEntry(tags Entry, m *imaging.RGB, subject *Subject) (Entry, *imaging.RGB, error) {
	e := tags
	e.Edges, e.Subject, e.Own = nil, nil, false
	w := Working(m)
	var err error
	if e.Edges, err = EdgeMap(w); err != nil {
		return Entry{}, nil, err
	}
	if e.Light, err = look.Describe(w); err != nil {
		return Entry{}, nil, err
	}
	if subject != nil {
		if e.Subject, err = subject.Features(w); err != nil {
			return Entry{}, nil, err
		}
	}
	return e, w, nil
}
