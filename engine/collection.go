package engine

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"sentiment/backbone"
	"sentiment/imaging"
	"sentiment/retrieval"
)

// This file is the user's own collection and the subject guess: what the
// page's worker asks of the engine for references a user adds, keeps on
// the device and ranks with the shipped ones.

// GuessSubject ranks the nouns of ix for photo, best first, by the
// subject features of net (retrieval.Subject), which must be the network
// that made the index's.
func GuessSubject(net backbone.Network, ix *retrieval.Index, photo *imaging.RGB) ([]retrieval.NounGuess, error) {
	if ix.Subject == "" {
		return nil, badInput(errors.New("the reference index has no subject features to guess from (rebuild it)"))
	}
	if net.Name() != ix.Subject {
		return nil, fmt.Errorf("the index's subject features are %s's, not %s's", ix.Subject, net.Name())
	}
	f, err := (retrieval.Subject{Net: net}).Features(photo)
	if err != nil {
		return nil, err
	}
	return ix.GuessNouns(f, -1)
}

// Describe makes the index entry of a reference picture of the user's own
// (retrieval.NewEntry) from w×h RGBA bytes and the user's tags: the mood
// word (required) and the subject (optional) are taken as retrieval.Word
// spells them. The entry has subject features when the network the index
// compares them with is loaded. It returns the entry as a one-entry index
// file, which the page keeps and gives back to SetOwn.
func (s *Session) Describe(pix []byte, w, h int, tags retrieval.Entry) ([]byte, retrieval.Entry, error) {
	m, err := FromRGBA(pix, w, h)
	if err != nil {
		return nil, retrieval.Entry{}, err
	}
	if err := CheckPhoto("reference", m); err != nil {
		return nil, retrieval.Entry{}, err
	}
	if tags.Adjective, err = retrieval.Word(tags.Adjective); err != nil {
		return nil, retrieval.Entry{}, badInput(fmt.Errorf("the mood: %w", err))
	}
	if tags.Noun != "" {
		if tags.Noun, err = retrieval.Word(tags.Noun); err != nil {
			return nil, retrieval.Entry{}, badInput(fmt.Errorf("the subject: %w", err))
		}
	}
	s.mu.Lock()
	var sub *retrieval.Subject
	name := ""
	if s.shipped != nil {
		name = s.shipped.Subject
	}
	if net := s.nets[name]; net != nil {
		sub = &retrieval.Subject{Net: net}
	}
	s.mu.Unlock()
	tags.ID = 0
	e, _, err := retrieval.NewEntry(tags, m, sub)
	if err != nil {
		return nil, retrieval.Entry{}, err
	}
	one, err := retrieval.New([]retrieval.Entry{e})
	if err != nil {
		return nil, retrieval.Entry{}, badInput(err)
	}
	if sub != nil {
		one.Subject = sub.Name()
	}
	b, err := one.MarshalBinary()
	if err != nil {
		return nil, retrieval.Entry{}, badInput(err)
	}
	return b, e, nil
}

// Own is what SetOwn reports: the vocabulary of the shipped and own
// references together, and the own entries to describe again.
type Own struct {
	Vocabulary retrieval.Vocabulary `json:"vocabulary"`
	// Stale lists, by their place in SetOwn's list, the entries that are
	// not in use: from an older index format, damaged, or without the
	// subject features the index's network would give them. The page
	// describes them again from their pictures.
	Stale []int `json:"stale"`
}

// SetOwn makes the user's own references, each a one-entry index file as
// Describe made it, part of the index that Retrieve and Subject use,
// after the shipped ones; an empty list leaves the shipped ones alone.
func (s *Session) SetOwn(entries [][]byte) (Own, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	subject := ""
	if s.shipped != nil {
		subject = s.shipped.Subject
	}
	out := Own{Stale: []int{}}
	var own []retrieval.Entry
	var from []int
	for i, b := range entries {
		one, err := retrieval.Load(b)
		if err != nil || len(one.Entries) != 1 {
			out.Stale = append(out.Stale, i)
			continue
		}
		from = append(from, i)
		e := one.Entries[0]
		if subject != "" && one.Subject != subject {
			// Described before the network was built (or by another):
			// used without features until it is described again.
			out.Stale = append(out.Stale, i)
			e.Subject = nil
		}
		own = append(own, e)
	}
	ix, err := s.shipped.With(own)
	if err != nil {
		return Own{}, badInput(err)
	}
	if s.shipped == nil && len(own) == 0 {
		ix = nil
	}
	s.own, s.ownFrom, s.ownGiven, s.index = own, from, len(entries), ix
	if ix != nil {
		out.Vocabulary = ix.Vocabulary()
	}
	return out, nil
}

// Subject guesses what the photo shows among the index's nouns, best
// first, with the network whose subject features the index holds (which
// must be loaded).
func (s *Session) Subject() ([]retrieval.NounGuess, error) {
	s.mu.Lock()
	ix, photo := s.index, s.photo
	var net backbone.Network
	if ix != nil {
		net = s.nets[ix.Subject]
	}
	s.mu.Unlock()
	switch {
	case ix == nil:
		return nil, errors.New("subject: no reference index")
	case photo == nil:
		return nil, errors.New("subject: no photo")
	case ix.Subject == "":
		return nil, errors.New("subject: the reference index has no subject features")
	case net == nil:
		return nil, fmt.Errorf("subject: the network %q is not loaded", ix.Subject)
	}
	return GuessSubject(net, ix, photo)
}

// ExportOwn writes the user's own references, as SetOwn was last given
// them, as a collection file (retrieval.WriteCollection): pictures holds
// each one's picture bytes, in SetOwn's order, stored under its entry's
// Picture. Those SetOwn could not read are left out.
func (s *Session) ExportOwn(pictures [][]byte) ([]byte, error) {
	s.mu.Lock()
	own, from, given := slices.Clone(s.own), s.ownFrom, s.ownGiven
	subject := ""
	if s.shipped != nil {
		subject = s.shipped.Subject
	}
	s.mu.Unlock()
	if len(pictures) != given {
		return nil, badInput(fmt.Errorf("%d pictures for %d references of your own", len(pictures), given))
	}
	pics := make([][]byte, len(own))
	for i := range own {
		own[i].ID = uint32(i)
		pics[i] = pictures[from[i]]
	}
	ix, err := retrieval.New(own)
	if err != nil {
		return nil, err
	}
	ix.Subject = subject
	var b bytes.Buffer
	err = retrieval.WriteCollection(&b, ix, func(e *retrieval.Entry) ([]byte, error) { return pics[e.ID], nil })
	return b.Bytes(), err
}

// Imported is a reference of a collection file, as the page keeps one of
// its own: the entry, as a one-entry index file and as data, and its
// picture's bytes.
type Imported struct {
	Index   []byte          `json:"-"`
	Entry   retrieval.Entry `json:"entry"`
	Picture []byte          `json:"-"`
}

// ImportCollection reads a collection file (from ExportOwn, or `sentiment
// index`) into references of the user's own; a file that is not one, or
// is damaged, is refused whole.
func ImportCollection(data []byte) ([]Imported, error) {
	c, err := retrieval.ReadCollection(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, badInput(err)
	}
	out := make([]Imported, len(c.Index.Entries))
	for i, e := range c.Index.Entries {
		pic, err := c.PictureBytes(&e)
		if err != nil {
			return nil, badInput(err)
		}
		e.ID = 0
		one, err := retrieval.New([]retrieval.Entry{e})
		if err != nil {
			return nil, badInput(err)
		}
		one.Subject = c.Index.Subject
		b, err := one.MarshalBinary()
		if err != nil {
			return nil, badInput(err)
		}
		out[i] = Imported{Index: b, Entry: e, Picture: pic}
	}
	return out, nil
}
