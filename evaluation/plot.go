package evaluation

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
)

// Colours of the plot.
var (
	plotBack     = color.NRGBA{255, 255, 255, 255}
	plotAxis     = color.NRGBA{40, 40, 40, 255}
	plotGridline = color.NRGBA{225, 225, 225, 255}
	plotOurs     = color.NRGBA{30, 90, 200, 255}
	plotReinhard = color.NRGBA{220, 110, 20, 255}
)

// Plot draws SSIM against colour movement: Reinhard's blend curve and ours
// at the same strengths through the means (lines with a mark per
// strength), every input's own point of ours (small dots) and of the full
// Reinhard match (small squares), and ours' mean at the preset's strength
// (a large dot). Above and left is better.
func (r *Report) Plot(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(plotBack), image.Point{}, draw.Src)
	const left, right, top, bottom = 56, 16, 28, 44
	means := r.Means()
	rc, oc := r.ReinhardCurve(), r.OursCurve()

	// Axes span the data, with SSIM from a round value below the lowest.
	xMax, yMin := 1.0, 1.0
	for _, p := range append(append([]Point(nil), rc...), oc...) {
		xMax, yMin = max(xMax, p.Movement), min(yMin, p.SSIM)
	}
	for _, row := range r.Rows {
		for _, m := range []Method{Ours, Reinhard} {
			if sc := row.Scores[m]; sc.MovementOK {
				xMax, yMin = max(xMax, sc.Movement), min(yMin, sc.SSIM)
			}
		}
	}
	xMax = math.Ceil(xMax*10) / 10
	yMin = math.Floor(yMin*10) / 10
	px := func(p Point) (int, int) {
		x := left + int(p.Movement/xMax*float64(w-left-right))
		y := h - bottom - int((p.SSIM-yMin)/(1-yMin)*float64(h-top-bottom))
		return x, y
	}
	for v := 0.0; v <= xMax+1e-9; v += 0.1 {
		x, _ := px(Point{v, yMin})
		line(img, x, top, x, h-bottom, plotGridline, 1)
		label(img, x-10, h-bottom+16, fmt.Sprintf("%.1f", v), plotAxis)
	}
	for v := yMin; v <= 1+1e-9; v += 0.05 {
		_, y := px(Point{0, v})
		line(img, left, y, w-right, y, plotGridline, 1)
		label(img, 8, y+4, fmt.Sprintf("%.2f", v), plotAxis)
	}
	line(img, left, h-bottom, w-right, h-bottom, plotAxis, 1)
	line(img, left, top, left, h-bottom, plotAxis, 1)
	label(img, (w-left)/2, h-8, "colour movement toward the reference", plotAxis)
	label(img, 8, 14, "SSIM to the input", plotAxis)

	for _, row := range r.Rows {
		if sc := row.Scores[Reinhard]; sc.MovementOK {
			x, y := px(Point{sc.Movement, sc.SSIM})
			fill(img, x-2, y-2, x+2, y+2, plotReinhard)
		}
		if sc := row.Scores[Ours]; sc.MovementOK {
			x, y := px(Point{sc.Movement, sc.SSIM})
			dot(img, x, y, 3, plotOurs)
		}
	}
	for _, c := range []struct {
		pts []Point
		col color.NRGBA
	}{{rc, plotReinhard}, {oc, plotOurs}} {
		for i, p := range c.pts {
			x, y := px(p)
			if i > 0 {
				x0, y0 := px(c.pts[i-1])
				line(img, x0, y0, x, y, c.col, 2)
			}
			fill(img, x-3, y-3, x+3, y+3, c.col)
			if i > 0 {
				label(img, x+5, y-4, fmt.Sprintf("%.1f", Strengths[i-1]), c.col)
			}
		}
	}
	o := means[Ours]
	x, y := px(Point{o.Movement, o.SSIM})
	dot(img, x, y, 7, plotOurs)
	// The legend goes bottom left, below both curves.
	lx, ly := left+12, h-bottom-52
	label(img, lx, ly, fmt.Sprintf("ours (%s, %s): mean at strength %g, curve at 0.4-1", r.Backbone, r.Preset.Name, r.Preset.Strength), plotOurs)
	label(img, lx, ly+16, "Reinhard blended with the input at 0.4-1", plotReinhard)
	label(img, lx, ly+32, fmt.Sprintf("ours %+.3f SSIM from Reinhard's curve", r.Gap()), plotAxis)
	return img
}

// line draws a segment of the given thickness.
func line(img draw.Image, x0, y0, x1, y1 int, c color.Color, thick int) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= n; i++ {
		x := x0 + (x1-x0)*i/n
		y := y0 + (y1-y0)*i/n
		fill(img, x-thick/2, y-thick/2, x-thick/2+thick-1, y-thick/2+thick-1, c)
	}
}

// fill paints the rectangle [x0, x1] × [y0, y1], inclusive.
func fill(img draw.Image, x0, y0, x1, y1 int, c color.Color) {
	draw.Draw(img, image.Rect(x0, y0, x1+1, y1+1), image.NewUniform(c), image.Point{}, draw.Src)
}

// dot paints a disc of radius r.
func dot(img draw.Image, cx, cy, r int, c color.Color) {
	for y := -r; y <= r; y++ {
		for x := -r; x <= r; x++ {
			if x*x+y*y <= r*r {
				img.Set(cx+x, cy+y, c)
			}
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
