package evaluation

import (
	"image"
	"image/color"
	"image/draw"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"sentiment/imaging"
)

// sheetMatched names the contact sheet's column of Reinhard's blend at
// ours' movement.
const sheetMatched = "reinhard at ours' movement"

// sheetColumns are the contact sheet's columns, left to right.
var sheetColumns = []string{"input", "reference", string(Ours), sheetMatched, string(Reinhard), string(OursRand), string(OursRaw)}

// ContactSheet draws one row per input: the input, its reference and each
// method's output, tile pixels wide, with a caption under every tile.
func (r *Report) ContactSheet(tile int) *image.NRGBA {
	return drawSheet(tile, sheetColumns, len(r.Rows), func(i int, name string) (*imaging.RGB, string) {
		row := r.Rows[i]
		switch name {
		case "input":
			return row.Images[name], row.Input
		case "reference":
			return row.Images[name], row.Adjective + ": " + row.Reference
		case sheetMatched:
			return row.Images[name], formatScore(row.Matched.SSIM, row.Matched.Movement, row.Matched.MovementOK)
		}
		sc := row.Scores[Method(name)]
		return row.Images[name], formatScore(sc.SSIM, sc.Movement, sc.MovementOK)
	})
}

// drawSheet draws a contact sheet of n rows under a heading of cols, tile
// pixels a column: cell(i, col) gives row i's picture in that column (nil:
// none) and its caption. A row is as tall as its input (the "input"
// column's picture) at the tile's width; a picture of another aspect, a
// reference say, is fitted into it. The evaluation's sheet and the mood
// study's are drawn by it.
func drawSheet(tile int, cols []string, n int, cell func(i int, col string) (*imaging.RGB, string)) *image.NRGBA {
	const caption = 16
	heights := make([]int, n)
	total := caption
	for i := range n {
		in, _ := cell(i, "input")
		heights[i] = max(1, tile*in.H/in.W)
		total += heights[i] + caption
	}
	sheet := image.NewNRGBA(image.Rect(0, 0, tile*len(cols), total))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.NRGBA{24, 24, 24, 255}), image.Point{}, draw.Src)
	for c, name := range cols {
		label(sheet, c*tile+4, 12, name, sheetText)
	}
	y := caption
	for i := range n {
		for c, name := range cols {
			m, text := cell(i, name)
			if m == nil {
				continue
			}
			h := min(heights[i], max(1, tile*m.H/m.W))
			small := imaging.Resize(m, tile, h).NRGBA()
			draw.Draw(sheet, image.Rect(c*tile, y, (c+1)*tile, y+h), small, image.Point{}, draw.Src)
			label(sheet, c*tile+4, y+heights[i]+12, text, sheetText)
		}
		y += heights[i] + caption
	}
	return sheet
}

func formatScore(s, m float64, ok bool) string {
	if !ok {
		return "SSIM " + strconv.FormatFloat(s, 'f', 3, 64)
	}
	return "SSIM " + strconv.FormatFloat(s, 'f', 3, 64) + " mv " + strconv.FormatFloat(m, 'f', 2, 64)
}

// sheetText is the colour of the contact sheet's captions.
var sheetText = color.NRGBA{230, 230, 230, 255}

// label writes text in x/image's fixed 7×13 face: no font file to ship.
func label(dst draw.Image, x, y int, text string, c color.Color) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: basicfont.Face7x13,
		Dot: fixed.P(x, y)}
	d.DrawString(text)
}
