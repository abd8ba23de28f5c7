// Package engine is the one surface through which the front ends — the
// command line (cmd/sentiment), the page's bridge (wasm) and the
// evaluation — run the sentiment transfer, so that each choice (a backbone,
// a preset, a size) is wired once:
//
//   - networks: the table of networks (Network, Register, Networks,
//     Lookup), one entry per network in a file of its own with its
//     names, weights' sources, presets, place and credits; OpenBytes
//     (weights + manifest, as the page has them) and, natively only, Open
//     (an assets folder, or a file of any supported format, sniffed);
//   - presets: Preset, a network's named preset with Overrides
//     (PRESETS.md has the measurements behind their values);
//   - retrieval: Retrieve, returning retrieval.Match, the one match record
//     (attribution included, JSON-tagged, spelled "license"); natively,
//     OpenRefs opens an index file or a collection file with its pictures;
//   - the subject: GuessSubject, a photo's likely nouns among an index's;
//   - one's own references: Session.Describe (retrieval.NewEntry, as the
//     shipped index was made), SetOwn, ExportOwn and ImportCollection;
//     Zip writes the page's batch download a file at a time;
//   - the transfer: Transfer, with progress and cancel; Session.ApplyRGBA carries
//     its look to a full-size photo strip by strip; WriteLUT exports it;
//   - classification: Classify, a photo's top classes as JSON-tagged Class;
//   - Session, the state the page works on between calls;
//   - the size constants (MinSide, MaxSide, WorkingSize, …) and the
//     strength's colour lead that Go and the page share.
//
// The file formats of the build-time converters are opened only by
// open.go, which is not built for js/wasm: the WebAssembly engine links
// none of them.
package engine
