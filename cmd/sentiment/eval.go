package main

import (
	"flag"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"

	"sentiment/assets"
	"sentiment/backbone"
	"sentiment/engine"
	"sentiment/evaluation"
	"sentiment/imaging"
	"sentiment/retrieval"
	"sentiment/score"
	"sentiment/transfer"
)

func init() {
	commands["eval"] = command{
		summary: "reproduce the paper's Table II on a catalog of photos",
		run:     func(args []string) int { return evalCmd(args, os.Stdout, os.Stderr) },
	}
}

// evalCmd is `sentiment eval -inputs DIR -refs DIR [-backbone NAME] -out DIR`.
func evalCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("assets", "", "assets folder (default $"+assets.EnvVar+", then ../shared/assets)")
	inputs := fs.String("inputs", "", "folder of input photos with catalog.tsv (default: the assets' inputs)")
	refs := fs.String("refs", "", "folder of reference photos with catalog.tsv (default: the assets' refs)")
	out := fs.String("out", "", "folder for eval.md and sheet.png")
	name := backboneFlag(fs, "network")
	wfile := fs.String("weights", "", "weights file (default: converted from the assets)")
	judgeName := choice(fs, "judge", "", append(networkNames(), "none"), "network that judges the style movement (default: the first other than -backbone)")
	tf := addTuneFlags(fs)
	topK := integer(fs, "topk", 1, 1, maxK, "style target from the top K retrieved references of the mood")
	ablation := fs.Bool("ablation", true, "also transfer a random reference of the mood (the paper's ablation)")
	pf := addPresetFlags(fs)
	limit := integer(fs, "limit", 0, 0, math.MaxInt32, "evaluate only the first N inputs (0: all)")
	seed := fs.Int64("seed", 1, "seed of the random-reference ablation (and of -moods' blind study)")
	moods := fs.Bool("moods", false, "the mood study instead of the paper's table: every reference (and -everyday photo) toward the moods that contrast with it most, by each method, judged by what a viewer would see (moods.md, sheet-N.png), with a blind-study kit (-kit)")
	everyday := fs.String("everyday", "", "with -moods: comma-separated folders of further photos with a catalog.tsv each")
	perPhoto := integer(fs, "perphoto", 2, 1, 20, "with -moods: contrasting moods per photo")
	every := integer(fs, "every", 1, 1, 1000, "with -moods: keep one case in N")
	everyRef := integer(fs, "everyref", 1, 1, 1000, "with -moods: keep one reference's case in N (before -every)")
	noRefs := fs.Bool("norefs", false, "with -moods: leave the references out of the photos")
	methods := fs.String("methods", "ours,no-network,classic,reinhard", "with -moods: the methods, of ours (the default preset), no-network (without the placement), classic, reinhard, and a network's name (its default preset)")
	kit := fs.String("kit", "", "with -moods: write a blind study into this folder (its key beside it, as FOLDER-key.tsv)")
	families := fs.String("families", "", "with -moods -kit: a file of mood<TAB>family lines, the distractors' families (default: every mood its own)")
	groups := integer(fs, "groups", 2, 1, 100, "with -moods -kit: groups of transfers, two judges each")
	r := reporter{"eval", stderr}
	if err := r.parse(fs, args); err != nil {
		return exitUsage
	}
	fail := r.fail
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	if _, err := engine.Lookup(*name); err != nil {
		return fail(exitUsage, err)
	}
	var err error
	for _, d := range []struct {
		p   *string
		rel string
	}{{inputs, "inputs"}, {refs, "refs"}} {
		if *d.p == "" {
			if *d.p, err = assets.Path(*dir, d.rel); err != nil {
				return fail(exitUsage, err)
			}
		}
	}
	ix, err := retrieval.Build(*refs, nil, nil)
	if err != nil {
		return fail(exitUsage, err)
	}
	net, code, err := openNetwork(*name, *wfile, *dir, stderr)
	if err != nil {
		return fail(code, err)
	}
	p, err := pf.preset(net)
	if err != nil {
		return fail(exitUsage, err)
	}
	if err := tf.apply(&p); err != nil {
		return fail(exitUsage, err)
	}
	if *moods {
		return moodStudy(moodFlags{
			refs: *refs, dir: *dir, out: *out, everyday: *everyday, perPhoto: *perPhoto, every: *every, everyRef: *everyRef, noRefs: *noRefs,
			methods: *methods, kit: *kit, families: *families, groups: *groups, seed: *seed, strength: -1,
		}, net, p, ix, stdout, stderr)
	}
	judge, code, err := openJudge(*judgeName, net, *dir, stderr)
	if err != nil {
		return fail(code, err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fail(exitFailed, err)
	}
	ctx, stop := interrupted()
	defer stop()
	rep, err := evaluation.Run(ctx, evaluation.Config{
		Inputs: *inputs, Index: ix, RefDir: *refs, Net: net, Preset: p, Judge: judge, NoAblation: !*ablation, TopK: *topK, Seed: *seed, Limit: *limit,
		Log: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) },
	})
	if err != nil {
		return fail(exitFailed, err)
	}
	if err := writeReport(*out, rep); err != nil {
		return fail(exitFailed, err)
	}
	fmt.Fprint(stdout, rep.Markdown())
	return 0
}

// tuneFlags are eval's adjustments of the preset beyond addPresetFlags',
// for measuring settings (PRESETS.md); a negative number or an empty
// word keeps the preset's.
type tuneFlags struct {
	strength, light, smooth, lumSmooth, contrast, alpha *float64
	cell                                                *int
	unknown                                             *string
	styleWeights                                        *[]float64
}

func addTuneFlags(fs *flag.FlagSet) *tuneFlags {
	return &tuneFlags{
		strength:     float(fs, "strength", -1, 0, 1, "strength of ours' look (default: the preset's)"),
		light:        positive(fs, "light", -1, 1, "share of the optimized lightness change the look keeps (default: the preset's)"),
		unknown:      choice(fs, "unknown", "", []string{string(transfer.Look), string(transfer.Pixels)}, "what the optimization changes (default: the preset's)"),
		smooth:       float(fs, "smooth", -1, 0, transfer.MaxWeight, "the look's smoothness across cells (default: the preset's)"),
		lumSmooth:    float(fs, "lumsmooth", -1, 0, transfer.MaxWeight, "the look's smoothness across luminance bins (default: the preset's)"),
		contrast:     float(fs, "contrast", -1, 0, transfer.MaxWeight, "weight of the look's contrast prior (default: the preset's)"),
		cell:         integer(fs, "cell", -1, 0, transfer.MaxSize, "the look's cell size in working pixels, 0 for the grid's own (default: the preset's)"),
		alpha:        float(fs, "alpha", -1, 0, transfer.MaxWeight, "content weight α (default: the preset's)"),
		styleWeights: floats(fs, "styleweights", 0, transfer.MaxWeight, "weights of the preset's style taps (default: the preset's)"),
	}
}

// apply adjusts p as the flags say.
func (f *tuneFlags) apply(p *transfer.Preset) error {
	if ws := *f.styleWeights; ws != nil {
		if len(ws) != len(p.Weights) {
			return fmt.Errorf("-styleweights: %d weights for the %d style taps %v", len(ws), len(p.Style), p.Style)
		}
		p.Weights = append([]float64(nil), ws...)
	}
	for _, v := range []struct {
		flag *float64
		dst  *float64
	}{{f.strength, &p.Strength}, {f.light, &p.Light}, {f.smooth, &p.Smooth}, {f.lumSmooth, &p.LumSmooth}, {f.contrast, &p.Contrast}, {f.alpha, &p.Alpha}} {
		if *v.flag >= 0 {
			*v.dst = *v.flag
		}
	}
	if *f.cell >= 0 {
		p.Cell = *f.cell
	}
	if *f.unknown != "" {
		p.Unknown = transfer.Unknown(*f.unknown)
	}
	return nil
}

// openJudge opens the network -judge names (by default the first other
// than net; "none" for no judge) as the style movement's judge.
func openJudge(name string, net backbone.Network, dir string, stderr io.Writer) (*score.Judge, int, error) {
	if name == "" {
		name = judgeOf(net.Name())
	}
	if name == "none" {
		return nil, 0, nil
	}
	jnet, code, err := openNetwork(name, "", dir, stderr)
	if err != nil {
		return nil, code, fmt.Errorf("judge: %w (choose another with -judge, or -judge none)", err)
	}
	return score.NewJudge(jnet), 0, nil
}

// writeReport writes an evaluation's eval.md, sheet.png and plot.png
// into the folder out.
func writeReport(out string, rep *evaluation.Report) error {
	if err := os.WriteFile(filepath.Join(out, "eval.md"), []byte(rep.Markdown()), 0o644); err != nil {
		return err
	}
	if err := writePNG(filepath.Join(out, "sheet.png"), rep.ContactSheet(192)); err != nil {
		return err
	}
	return writePNG(filepath.Join(out, "plot.png"), rep.Plot(720, 540))
}

// writePNG writes img to path as a PNG.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = imaging.EncodePNG(f, imaging.FromImage(img))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
