package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"sentiment/assets"
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
	judgeName := fs.String("judge", "", "network that judges the style movement: "+engine.NetworkNames()+", or none (default: the first other than -backbone)")
	strength := fs.Float64("strength", -1, "strength of ours' look, 0 to 1 (default: the preset's)")
	light := fs.Float64("light", -1, "share of the optimized lightness change the look keeps, 0 to 1 (default: the preset's)")
	unknown := fs.String("unknown", "", "what the optimization changes: look or pixels (default: the preset's)")
	smooth := fs.Float64("smooth", -1, "the look's smoothness across cells (default: the preset's)")
	lumSmooth := fs.Float64("lumsmooth", -1, "the look's smoothness across luminance bins (default: the preset's)")
	contrast := fs.Float64("contrast", -1, "weight of the look's contrast prior (default: the preset's)")
	cell := fs.Int("cell", -1, "the look's cell size in working pixels (default: the preset's)")
	alpha := fs.Float64("alpha", -1, "content weight α (default: the preset's)")
	styleWeights := fs.String("styleweights", "", "comma-separated weights of the preset's style taps (default: the preset's)")
	topK := fs.Int("topk", 1, "style target from the top K retrieved references of the mood")
	ablation := fs.Bool("ablation", true, "also transfer a random reference of the mood (the paper's ablation)")
	pf := addPresetFlags(fs)
	limit := fs.Int("limit", 0, "evaluate only the first N inputs")
	seed := fs.Int64("seed", 1, "seed of the random-reference ablation")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(code int, err error) int {
		fmt.Fprintln(stderr, "sentiment eval:", err)
		return code
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
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
	ix, err := retrieval.Build(*refs, nil)
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
	if *strength >= 0 {
		p.Strength = *strength
	}
	if *light >= 0 {
		p.Light = *light
	}
	if *styleWeights != "" {
		ws := strings.Split(*styleWeights, ",")
		if len(ws) != len(p.Weights) {
			return fail(exitUsage, fmt.Errorf("-styleweights: %d weights for the %d style taps %v", len(ws), len(p.Style), p.Style))
		}
		for i, w := range ws {
			if p.Weights[i], err = strconv.ParseFloat(w, 64); err != nil {
				return fail(exitUsage, fmt.Errorf("-styleweights: %w", err))
			}
		}
	}
	if *contrast >= 0 {
		p.Contrast = *contrast
	}
	if *cell >= 0 {
		p.Cell = *cell
	}
	if *alpha >= 0 {
		p.Alpha = *alpha
	}
	if *unknown != "" {
		p.Unknown = transfer.Unknown(*unknown)
	}
	if *smooth >= 0 {
		p.Smooth = *smooth
	}
	if *lumSmooth >= 0 {
		p.LumSmooth = *lumSmooth
	}
	var judge *score.Judge
	if *judgeName == "" {
		*judgeName = judgeOf(net.Name())
	}
	if *judgeName != "none" {
		jnet, code, err := openNetwork(*judgeName, "", *dir, stderr)
		if err != nil {
			return fail(code, fmt.Errorf("judge: %w (choose another with -judge, or -judge none)", err))
		}
		judge = score.NewJudge(jnet)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fail(exitFailed, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := evaluation.Run(ctx, evaluation.Config{
		Inputs: *inputs, Index: ix, RefDir: *refs, Net: net, Preset: p, Judge: judge, NoAblation: !*ablation, TopK: *topK, Seed: *seed, Limit: *limit,
		Log: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) },
	})
	if err != nil {
		return fail(exitFailed, err)
	}
	md := rep.Markdown()
	if err := os.WriteFile(filepath.Join(*out, "eval.md"), []byte(md), 0o644); err != nil {
		return fail(exitFailed, err)
	}
	if err := writePNG(filepath.Join(*out, "sheet.png"), rep.ContactSheet(192)); err != nil {
		return fail(exitFailed, err)
	}
	if err := writePNG(filepath.Join(*out, "plot.png"), rep.Plot(720, 540)); err != nil {
		return fail(exitFailed, err)
	}
	fmt.Fprint(stdout, md)
	return 0
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
