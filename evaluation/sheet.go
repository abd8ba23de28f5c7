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
	const caption = 16
	heights := make([]int, len(r.Rows))
	total := caption
	for i, row := range r.Rows {
		in := row.Images["input"]
		heights[i] = tile * in.H / in.W
		total += heights[i] + caption
	}
	sheet := image.NewNRGBA(image.Rect(0, 0, tile*len(sheetColumns), total))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.NRGBA{24, 24, 24, 255}), image.Point{}, draw.Src)
	for c, name := range sheetColumns {
		label(sheet, c*tile+4, 12, name, sheetText)
	}
	y := caption
	for i, row := range r.Rows {
		for c, name := range sheetColumns {
			m := row.Images[name]
			if m == nil {
				continue
			}
			h := heights[i]
			if name == "reference" { // its own aspect, fitted into the tile
				h = min(h, tile*m.H/m.W)
			}
			small := imaging.Resize(m, tile, max(1, h)).NRGBA()
			draw.Draw(sheet, image.Rect(c*tile, y, (c+1)*tile, y+h), small, image.Point{}, draw.Src)
			text := row.Input
			switch name {
			case "reference":
				text = row.Adjective + ": " + row.Reference
			case "input":
			case sheetMatched:
				text = formatScore(row.Matched.SSIM, row.Matched.Movement, row.Matched.MovementOK)
			default:
				sc := row.Scores[Method(name)]
				text = formatScore(sc.SSIM, sc.Movement, sc.MovementOK)
			}
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
