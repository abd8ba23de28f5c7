package evaluation

import (
	"bufio"
	"fmt"
	"image"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sentiment/imaging"
)

// Sheets draws the study's contact sheets: a row per transfer (the input,
// its reference, each method's result) and at most rows rows a sheet,
// tile pixels a column.
func (r *MoodReport) Sheets(tile, rows int) []*image.NRGBA {
	cols := append([]string{"input", "reference"}, r.Methods...)
	var out []*image.NRGBA
	for s := 0; s < len(r.Rows); s += rows {
		part := r.Rows[s:min(s+rows, len(r.Rows))]
		out = append(out, drawSheet(tile, cols, len(part), func(i int, name string) (*imaging.RGB, string) {
			row := part[i]
			switch name {
			case "input":
				return row.Images[name], row.File
			case "reference":
				if row.Light.Consensus {
					return row.Images[name], row.Mood + ": consensus"
				}
				return row.Images[name], row.Mood + ": " + row.Reference
			}
			d := row.Diag[name]
			return row.Images[name], fmt.Sprintf("cast %.2f turn %.2f dir %+.1f", d.NeutralCast, d.HueTurns, d.Direction)
		}))
	}
	return out
}

// ReadFamilies reads a file of "mood<TAB>family" lines (a header line
// "mood<TAB>family" may open it): the families a blind study draws its
// distractors from, one from each of three families other than the
// target's.
func ReadFamilies(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.EqualFold(line, "mood\tfamily") {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 2 || p[0] == "" || p[1] == "" {
			return nil, fmt.Errorf("%s:%d: want mood<TAB>family, got %q", path, n, line)
		}
		out[p[0]] = p[1]
	}
	return out, sc.Err()
}

// studyInstructions open every judge's sheet; ANSWERS is replaced by the
// path of the judge's answers file.
const studyInstructions = `# A photo study

You are one of several independent viewers in a study of edited photographs. Each picture
below is a photograph that may have been edited to give it a mood. Judge each picture on
its own, as a person looking at the photo would, without looking for or at any other file
than the pictures listed (do not open other folders, keys, code or logs: the study is
only worth something if you judge blind).

Several pictures may show the same scene edited differently; judge each on its own.

For each picture, open it with your image viewer (look at it at full size), then decide:

1. **Mood**: of the four moods listed for that picture, which one does the picture
   convey most? Pick exactly one, even if none fits well.
2. **Realism**, 1 to 5: 5 = looks like an unedited real photograph; 4 = a real photo with
   a natural-looking edit; 3 = noticeably edited but plausible; 2 = clearly manipulated or
   odd colours; 1 = garish or broken.
3. **Wrong colours**: name every object whose colour it should not have (e.g. "pink snow",
   "green road", "grey skin", "magenta table"), or write ` + "`none`" + `. Judge against what such
   objects look like in real photos under any real light (a golden sunset may make snow
   orange; a face may not be green).

Write your answers as a tab-separated file at ANSWERS with the header line
` + "`id\tmood\trealism\twrong`" + ` and one line per picture (wrong: ` + "`none`" + ` or a short
comma-separated list). Write it as you go. When done, reply with the path of the file and
any remarks about the set as a whole.
`

// WriteKit writes a blind study of the report's results into dir: every
// method's result of every transfer as dir/img/ID.jpg under a random id,
// and sheets judge-G[ab].md, two judges for each of groups groups of
// transfers, each judge seeing every method's result of the group's
// transfers, shuffled, with four moods to choose from (the target and
// one from each of three other families; families maps a mood to its
// family, and a mood missing from it is a family of its own). The key —
// which id is which method, photo and target — goes to keyPath, which
// must lie outside dir.
func (r *MoodReport) WriteKit(dir, keyPath string, families map[string]string, groups int, seed int64) error {
	rel, err := filepath.Rel(dir, keyPath)
	if err == nil && !strings.HasPrefix(rel, "..") {
		return fmt.Errorf("evaluation: the study's key %s lies inside the folder the judges see", keyPath)
	}
	if err := os.MkdirAll(filepath.Join(dir, "img"), 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(seed))
	family := func(m string) string {
		if f, ok := families[m]; ok {
			return f
		}
		return "mood:" + m
	}
	byFamily := map[string][]string{}
	moods := map[string]bool{}
	for m := range families {
		moods[m] = true
	}
	for _, row := range r.Rows {
		moods[row.Mood] = true
	}
	for m := range moods {
		byFamily[family(m)] = append(byFamily[family(m)], m)
	}
	var fams []string
	for f, ms := range byFamily {
		sort.Strings(ms)
		fams = append(fams, f)
	}
	sort.Strings(fams)
	type item struct {
		group   int
		id      string
		options []string
	}
	var items []item
	var key strings.Builder
	key.WriteString("id\tphoto\ttarget\tmethod\toptions\n")
	used := map[string]bool{}
	for i, row := range r.Rows {
		var others []string
		for _, f := range fams {
			if f != family(row.Mood) {
				others = append(others, f)
			}
		}
		if len(others) < 3 {
			return fmt.Errorf("evaluation: a study needs moods of at least four families, have %d", len(others)+1)
		}
		rng.Shuffle(len(others), func(a, b int) { others[a], others[b] = others[b], others[a] })
		opts := []string{row.Mood}
		for _, f := range others[:3] {
			ms := byFamily[f]
			opts = append(opts, ms[rng.Intn(len(ms))])
		}
		rng.Shuffle(len(opts), func(a, b int) { opts[a], opts[b] = opts[b], opts[a] })
		stem := strings.TrimSuffix(row.File, filepath.Ext(row.File))
		for _, m := range r.Methods {
			id := fmt.Sprint(1000 + rng.Intn(9000))
			for used[id] {
				id = fmt.Sprint(1000 + rng.Intn(9000))
			}
			used[id] = true
			f, err := os.Create(filepath.Join(dir, "img", id+".jpg"))
			if err != nil {
				return err
			}
			err = imaging.EncodeJPEG(f, row.Images[m], 92)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(&key, "%s\t%s\t%s\t%s\t%s\n", id, stem, row.Mood, m, strings.Join(opts, ","))
			items = append(items, item{i % groups, id, opts})
		}
	}
	if err := os.WriteFile(keyPath, []byte(key.String()), 0o644); err != nil {
		return err
	}
	for g := range groups {
		for _, j := range []string{"a", "b"} {
			var mine []item
			for _, it := range items {
				if it.group == g {
					mine = append(mine, it)
				}
			}
			rng.Shuffle(len(mine), func(a, b int) { mine[a], mine[b] = mine[b], mine[a] })
			name := fmt.Sprintf("judge-%d%s", g, j)
			var b strings.Builder
			b.WriteString(strings.ReplaceAll(studyInstructions, "ANSWERS", filepath.Join(dir, "answers-"+fmt.Sprint(g)+j+".tsv")))
			b.WriteString("\n## Pictures\n\n")
			for _, it := range mine {
				fmt.Fprintf(&b, "- %s: %s — moods: %s\n", it.id, filepath.Join(dir, "img", it.id+".jpg"), strings.Join(it.options, ", "))
			}
			if err := os.WriteFile(filepath.Join(dir, name+".md"), []byte(b.String()), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
