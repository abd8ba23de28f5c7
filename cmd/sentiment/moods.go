package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"sentiment/backbone"
	"sentiment/engine"
	"sentiment/evaluation"
	"sentiment/retrieval"
	"sentiment/transfer"
)

// moodFlags are eval -moods' settings.
type moodFlags struct {
	refs, dir, out, everyday, methods, kit, families string
	perPhoto, every, everyRef, groups                int
	noRefs                                           bool
	seed                                             int64
	strength                                         float64
}

// moodStudy runs `sentiment eval -moods`: the mood study of the default
// preset p on net against the other methods asked for, written to f.out
// (moods.md, sheet-N.png) and, with -kit, a blind study.
func moodStudy(f moodFlags, net backbone.Network, p transfer.Preset, ix *retrieval.Index, stdout, stderr io.Writer) int {
	r := reporter{"eval", stderr}
	if f.strength >= 0 {
		p.Strength = f.strength
	}
	var ms []evaluation.MoodMethod
	for _, name := range strings.Split(f.methods, ",") {
		switch name = strings.TrimSpace(name); name {
		case "ours":
			ms = append(ms, evaluation.PresetMethod(name, net, p))
		case "no-network":
			q := p
			q.Place = nil
			ms = append(ms, evaluation.PresetMethod(name, net, q))
		case "classic":
			q, err := engine.Preset("classic", net, engine.Keep)
			if err != nil {
				return r.fail(exitUsage, err)
			}
			ms = append(ms, evaluation.PresetMethod(name, net, q))
		case "reinhard":
			ms = append(ms, evaluation.ReinhardMethod)
		default:
			if _, err := engine.Lookup(name); err != nil {
				return r.fail(exitUsage, fmt.Errorf("-methods: %q is none of ours, no-network, classic, reinhard or a network (%s)", name, engine.NetworkNames()))
			}
			other, code, err := openNetwork(name, "", f.dir, stderr)
			if err != nil {
				return r.fail(code, err)
			}
			q, err := engine.Preset("default", other, engine.Keep)
			if err != nil {
				return r.fail(exitUsage, err)
			}
			ms = append(ms, evaluation.PresetMethod(name, other, q))
		}
	}
	var fams map[string]string
	if f.families != "" {
		var err error
		if fams, err = evaluation.ReadFamilies(f.families); err != nil {
			return r.fail(exitUsage, fmt.Errorf("-families: %w", err))
		}
	}
	var everyday []string
	for _, d := range strings.Split(f.everyday, ",") {
		if d = strings.TrimSpace(d); d != "" {
			everyday = append(everyday, d)
		}
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return r.fail(exitFailed, err)
	}
	ctx, stop := interrupted()
	defer stop()
	rep, err := evaluation.RunMoods(ctx, evaluation.MoodConfig{
		Index: ix, RefDir: f.refs, NoReferences: f.noRefs, Everyday: everyday, PerPhoto: f.perPhoto, Every: f.every, EveryReference: f.everyRef, Methods: ms,
		Log: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) },
	})
	if err != nil {
		return r.fail(exitFailed, err)
	}
	md := rep.Markdown()
	if err := os.WriteFile(filepath.Join(f.out, "moods.md"), []byte(md), 0o644); err != nil {
		return r.fail(exitFailed, err)
	}
	for i, sheet := range rep.Sheets(192, 24) {
		if err := writePNG(filepath.Join(f.out, fmt.Sprintf("sheet-%d.png", i+1)), sheet); err != nil {
			return r.fail(exitFailed, err)
		}
	}
	if f.kit != "" {
		key := strings.TrimRight(f.kit, string(filepath.Separator)) + "-key.tsv"
		if err := rep.WriteKit(f.kit, key, fams, f.groups, f.seed); err != nil {
			return r.fail(exitFailed, err)
		}
		fmt.Fprintf(stderr, "sentiment eval: a blind study of %d pictures in %s, its key in %s\n", len(rep.Rows)*len(rep.Methods), f.kit, key)
	}
	fmt.Fprint(stdout, md[:strings.Index(md, "## Every transfer")])
	return 0
}
