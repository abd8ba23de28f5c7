package evaluation

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sentiment/backbone"
	"sentiment/engine"
	"sentiment/imaging"
	"sentiment/look"
	"sentiment/retrieval"
	"sentiment/score"
	"sentiment/transfer"
)

// The mood study asks what a viewer would see: every photo of a test bed
// toward moods that contrast with its own look, by each method, measured
// by score.Diagnose (colours a viewer would call wrong, the change of tone,
// the structure kept, the direction of the change against the mood's
// signature) and drawn on contact sheets, with a kit for a blind study by
// people who are not told the mood.

// A MoodMethod makes a result for a case; the study runs each in turn.
type MoodMethod struct {
	Name string
	// Run returns the photo (at its own size) with the mood's look; ref is
	// the best structural match among the mood's references.
	Run func(ctx context.Context, photo, ref *imaging.RGB, mood engine.Mood) (*imaging.RGB, error)
}

// PresetMethod runs a preset on net through the engine, as the page and
// the command line do, with the look at the preset's strength.
func PresetMethod(name string, net backbone.Network, p transfer.Preset) MoodMethod {
	return MoodMethod{Name: name, Run: func(ctx context.Context, photo, ref *imaging.RGB, mood engine.Mood) (*imaging.RGB, error) {
		res, err := engine.Transfer(ctx, net, photo, ref, p, mood, 0, nil)
		if err != nil {
			return nil, err
		}
		return res.Grid.Apply(photo, float32(p.Strength))
	}}
}

// ReinhardMethod is the baseline: the reference's global CIELAB colour
// statistics, in full (Reinhard et al. 2001).
var ReinhardMethod = MoodMethod{Name: "reinhard", Run: func(_ context.Context, photo, ref *imaging.RGB, _ engine.Mood) (*imaging.RGB, error) {
	return look.Reinhard(photo, ref)
}}

// A MoodCase is a photo of the test bed toward one mood.
type MoodCase struct {
	// File is the photo's name, Kind where it comes from: "reference"
	// (a reference of the collection, left out of its own mood's light
	// and the average) or the catalog folder's name.
	File, Kind, Path string
	Mood             string
}

// MoodConfig sets up a mood study.
type MoodConfig struct {
	// Index and RefDir are the reference collection and its pictures'
	// folder. Its references are photos of the test bed too, unless
	// NoReferences.
	Index        *retrieval.Index
	RefDir       string
	NoReferences bool
	// Everyday are further folders of photos with a catalog.tsv.
	Everyday []string
	// PerPhoto is how many contrasting moods each photo is given.
	PerPhoto int
	Methods  []MoodMethod
	// Every, if above 1, keeps one case in Every (after the cases are
	// made, so that the sample spreads over photos and moods), and
	// EveryReference one in as many of the references' cases (a
	// collection of landscapes need not outweigh the everyday photos).
	Every, EveryReference int
	Log                   func(format string, args ...any)
}

// MoodRow is one case's results.
type MoodRow struct {
	MoodCase
	Reference string // the best structural match among the mood's references
	// Light is the mood's light and what made it.
	Light   engine.Mood
	Diag    map[string]score.Diagnostics
	Seconds map[string]float64
	// Images are the input, the reference and each method's result.
	Images map[string]*imaging.RGB
}

// MoodReport is a finished mood study.
type MoodReport struct {
	Methods []string
	Rows    []MoodRow
}

// Signatures returns each mood's signature (score.Signature: its
// references' Looks against the whole collection's), from the pictures in
// dir.
func Signatures(ix *retrieval.Index, dir string) (map[string]score.Looks, map[string]score.Looks, error) {
	byEntry := map[string]score.Looks{}
	byMood := map[string][]score.Looks{}
	var all []score.Looks
	for i := range ix.Entries {
		e := &ix.Entries[i]
		m, _, err := imaging.DecodeFile(filepath.Join(dir, filepath.FromSlash(e.Picture)))
		if err != nil {
			return nil, nil, err
		}
		l, err := score.LooksOf(m)
		if err != nil {
			return nil, nil, err
		}
		byEntry[e.File] = l
		byMood[e.Adjective] = append(byMood[e.Adjective], l)
		all = append(all, l)
	}
	sig := map[string]score.Looks{}
	for m, ls := range byMood {
		s, err := score.Signature(ls, all)
		if err != nil {
			return nil, nil, err
		}
		sig[m] = s
	}
	return sig, byEntry, nil
}

// Contrasting returns the moods whose signatures point furthest from the
// photo's own look (its Looks against the collection's mean), best first,
// leaving out except: the moods a photo is most unlike are those a
// transfer must change it most to reach, and so the fairest test.
func Contrasting(own score.Looks, mean score.Looks, sig map[string]score.Looks, except string) []string {
	type kv struct {
		m string
		c float64
	}
	var d [7]float64
	for k := range d {
		d[k] = own[k] - mean[k]
	}
	var out []kv
	for m, s := range sig {
		if m == except {
			continue
		}
		var dot, nd, ns float64
		for k := range d {
			dot += d[k] * s[k]
			nd += d[k] * d[k]
			ns += s[k] * s[k]
		}
		c := 0.0
		if nd > 0 && ns > 0 {
			c = dot / math.Sqrt(nd*ns)
		}
		out = append(out, kv{m, c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].c != out[j].c {
			return out[i].c < out[j].c
		}
		return out[i].m < out[j].m
	})
	names := make([]string, len(out))
	for i, o := range out {
		names[i] = o.m
	}
	return names
}

// MoodCases returns the test bed's cases: each photo toward PerPhoto moods
// drawn from the third of the moods that contrast with it most, the draw
// seeded by the photo's name so that it is repeatable and spreads over the
// moods.
func MoodCases(c MoodConfig, sig map[string]score.Looks, looks map[string]score.Looks) ([]MoodCase, error) {
	var mean score.Looks
	for _, l := range looks {
		for k := range mean {
			mean[k] += l[k] / float64(len(looks))
		}
	}
	pick := func(file string, own score.Looks, except string) []string {
		order := Contrasting(own, mean, sig, except)
		pool := order[:max(c.PerPhoto, (len(order)+2)/3)]
		h := fnv.New32a()
		h.Write([]byte(file))
		start := int(h.Sum32() % uint32(len(pool)))
		var out []string
		for i := 0; i < c.PerPhoto && i < len(pool); i++ {
			out = append(out, pool[(start+i*max(1, len(pool)/c.PerPhoto))%len(pool)])
		}
		return out
	}
	var cases []MoodCase
	if !c.NoReferences {
		for _, e := range c.Index.Entries {
			for _, m := range pick(e.File, looks[e.File], e.Adjective) {
				cases = append(cases, MoodCase{File: e.File, Kind: "reference", Path: filepath.Join(c.RefDir, filepath.FromSlash(e.Picture)), Mood: m})
			}
		}
	}
	for _, dir := range c.Everyday {
		es, err := retrieval.ReadCatalogFile(filepath.Join(dir, "catalog.tsv"))
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			path := filepath.Join(dir, e.File)
			m, _, err := imaging.DecodeFile(path)
			if err != nil {
				return nil, err
			}
			own, err := score.LooksOf(m)
			if err != nil {
				return nil, err
			}
			for _, md := range pick(e.File, own, "") {
				cases = append(cases, MoodCase{File: e.File, Kind: filepath.Base(dir), Path: path, Mood: md})
			}
		}
	}
	var kept []MoodCase
	refs := 0
	for i, x := range cases {
		if x.Kind == "reference" {
			refs++
			if c.EveryReference > 1 && (refs-1)%c.EveryReference != 0 {
				continue
			}
		}
		if c.Every <= 1 || i%c.Every == 0 {
			kept = append(kept, x)
		}
	}
	cases = kept
	return cases, nil
}

// without returns the index without the entry of the given file (a
// reference transferred as a photo must not lend its own light).
func without(ix *retrieval.Index, file string) (*retrieval.Index, error) {
	var es []retrieval.Entry
	for _, e := range ix.Entries {
		if e.File != file {
			es = append(es, e)
		}
	}
	return retrieval.New(es)
}

// RunMoods runs the study.
func RunMoods(ctx context.Context, c MoodConfig) (*MoodReport, error) {
	if c.PerPhoto < 1 {
		c.PerPhoto = 2
	}
	logf := c.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	sig, looks, err := Signatures(c.Index, c.RefDir)
	if err != nil {
		return nil, err
	}
	cases, err := MoodCases(c, sig, looks)
	if err != nil {
		return nil, err
	}
	rep := &MoodReport{}
	for _, m := range c.Methods {
		rep.Methods = append(rep.Methods, m.Name)
	}
	for i, cs := range cases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		photo, _, err := imaging.DecodeFile(cs.Path)
		if err != nil {
			return nil, err
		}
		ix := c.Index
		if cs.Kind == "reference" {
			if ix, err = without(ix, cs.File); err != nil {
				return nil, err
			}
		}
		mood, err := engine.MoodOf(ix, photo, cs.Mood, nil)
		if err != nil {
			return nil, fmt.Errorf("%s toward %s: %w", cs.File, cs.Mood, err)
		}
		ms, err := retrieval.Retrieve(ix, photo, retrieval.Query{Adjective: cs.Mood, K: 1})
		if err != nil {
			return nil, err
		}
		ref, _, err := imaging.DecodeFile(filepath.Join(c.RefDir, filepath.FromSlash(ms[0].Picture)))
		if err != nil {
			return nil, err
		}
		row := MoodRow{MoodCase: cs, Reference: ms[0].File, Light: mood, Diag: map[string]score.Diagnostics{},
			Seconds: map[string]float64{}, Images: map[string]*imaging.RGB{"input": photo, "reference": ref}}
		for _, m := range c.Methods {
			t := time.Now()
			out, err := m.Run(ctx, photo, ref, mood)
			if err != nil {
				return nil, fmt.Errorf("%s toward %s by %s: %w", cs.File, cs.Mood, m.Name, err)
			}
			row.Seconds[m.Name] = time.Since(t).Seconds()
			if row.Diag[m.Name], err = score.Diagnose(photo, out, sig[cs.Mood]); err != nil {
				return nil, err
			}
			row.Images[m.Name] = out
		}
		d := row.Diag[rep.Methods[0]]
		logf("%3d/%d %-24s %-8s → %-24s %s: cast %.2f turns %.2f ΔL %+.1f structure %.3f direction %+.2f",
			i+1, len(cases), cs.File, cs.Mood, row.Reference, rep.Methods[0], d.NeutralCast, d.HueTurns, d.DeltaL, d.Structure, d.Direction)
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}

// MoodMean is a method's diagnostics averaged over rows.
type MoodMean struct {
	score.Diagnostics
	// CastRows and TurnRows are the shares of rows with any neutral
	// pixel cast (NeutralCast above 1 %) and with hue turns above 1 %.
	CastRows, TurnRows float64
	Seconds            float64
	Rows               int
}

// Means averages each method's diagnostics over the rows that keep(row).
func (r *MoodReport) Means(keep func(MoodRow) bool) map[string]MoodMean {
	out := map[string]MoodMean{}
	for _, m := range r.Methods {
		var s MoodMean
		for _, row := range r.Rows {
			if keep != nil && !keep(row) {
				continue
			}
			d := row.Diag[m]
			s.NeutralCast += d.NeutralCast
			s.NeutralHue += d.NeutralHue
			s.NeutralChroma += d.NeutralChroma
			s.HueTurns += d.HueTurns
			s.DeltaL += d.DeltaL
			s.DeltaP5 += d.DeltaP5
			s.DeltaP95 += d.DeltaP95
			s.DeltaContrast += d.DeltaContrast
			s.Structure += d.Structure
			s.Direction += d.Direction
			s.Seconds += row.Seconds[m]
			if d.NeutralCast > 0.01 {
				s.CastRows++
			}
			if d.HueTurns > 0.01 {
				s.TurnRows++
			}
			s.Rows++
		}
		if n := float64(s.Rows); n > 0 {
			for _, p := range []*float64{&s.NeutralCast, &s.NeutralHue, &s.NeutralChroma, &s.HueTurns, &s.DeltaL, &s.DeltaP5, &s.DeltaP95,
				&s.DeltaContrast, &s.Structure, &s.Direction, &s.Seconds, &s.CastRows, &s.TurnRows} {
				*p /= n
			}
		}
		out[m] = s
	}
	return out
}

// Markdown writes the study's tables: the means by method, for all photos
// and by kind, then every row.
func (r *MoodReport) Markdown() string {
	var b strings.Builder
	b.WriteString("# Mood study\n\n")
	fmt.Fprintf(&b, "%d transfers: each photo toward moods that contrast with its own look. ", len(r.Rows))
	b.WriteString("Neutral cast: share of the input's neutral pixels (C* < 6) that come out coloured (C* > 20), and of the results with any; " +
		"one tint: how much the neutrals' colours share one hue (1 = one); hue turns: share of coloured pixels (C* ≥ 15) whose hue turns past 60°, and of the results with any; " +
		"tone: the change of L*'s mean, 5th and 95th percentile and standard deviation; structure: SSIM's structure term on luma; " +
		"direction: cosine between the change of the seven look numbers and the mood's signature (its references against the collection).\n\n")
	kinds := []string{""}
	seen := map[string]bool{}
	for _, row := range r.Rows {
		if !seen[row.Kind] {
			seen[row.Kind] = true
			kinds = append(kinds, row.Kind)
		}
	}
	for _, kind := range kinds {
		title, keep := "All photos", func(MoodRow) bool { return true }
		if kind != "" {
			k := kind
			title, keep = "Photos from "+kind, func(row MoodRow) bool { return row.Kind == k }
		}
		means := r.Means(keep)
		fmt.Fprintf(&b, "## %s (%d transfers)\n\n", title, means[r.Methods[0]].Rows)
		b.WriteString("| method | neutral cast (results) | one tint | hue turns (results) | ΔL mean / p5 / p95 / contrast | structure | direction | s |\n|---|---|---|---|---|---|---|---|\n")
		for _, m := range r.Methods {
			s := means[m]
			fmt.Fprintf(&b, "| %s | %.3f (%.0f %%) | %.2f | %.3f (%.0f %%) | %+.1f / %+.1f / %+.1f / %+.1f | %.3f | %+.2f | %.2f |\n",
				m, s.NeutralCast, 100*s.CastRows, s.NeutralHue, s.HueTurns, 100*s.TurnRows, s.DeltaL, s.DeltaP5, s.DeltaP95, s.DeltaContrast, s.Structure, s.Direction, s.Seconds)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Every transfer\n\n| photo | mood | reference | method | cast | turns | ΔL | structure | direction |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		ref := row.Reference
		if row.Light.Consensus {
			ref += " (consensus)"
		}
		for _, m := range r.Methods {
			d := row.Diag[m]
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %.3f | %.3f | %+.1f | %.3f | %+.2f |\n", row.File, row.Mood, ref, m, d.NeutralCast, d.HueTurns, d.DeltaL, d.Structure, d.Direction)
		}
	}
	return b.String()
}
