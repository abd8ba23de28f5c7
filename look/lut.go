package look

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// CubeSize is the lattice size of the LUTs we export: 33³, the size photo
// and video editors use by default for 3D LUTs.
const CubeSize = 33

// Limits of the Cube LUT specification (Adobe, version 1.0) for 3D tables.
const (
	minCubeSize = 2
	maxCubeSize = 256
)

// WriteCube writes f, sampled on a size×size×size lattice over [0, 1]³, as
// a 3D LUT in the Cube format of Adobe's Cube LUT Specification 1.0, which
// Resolve, Premiere, Photoshop and most editors read: TITLE, LUT_3D_SIZE,
// DOMAIN_MIN and DOMAIN_MAX, then one "R G B" line per lattice point with
// red changing fastest, then green, then blue.
func WriteCube(w io.Writer, title string, f func(r, g, b float32) (float32, float32, float32), size int) error {
	if size < minCubeSize || size > maxCubeSize {
		return fmt.Errorf("look: LUT size %d, want %d to %d", size, minCubeSize, maxCubeSize)
	}
	if strings.ContainsAny(title, "\"\r\n") {
		return fmt.Errorf("look: LUT title %q has a quote or line break", title)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "TITLE \"%s\"\n# written by sentiment transfer\nLUT_3D_SIZE %d\nDOMAIN_MIN 0.0 0.0 0.0\nDOMAIN_MAX 1.0 1.0 1.0\n", title, size)
	step := 1 / float32(size-1)
	line := make([]byte, 0, 32)
	for b := range size {
		for g := range size {
			for r := range size {
				o := [3]float32{}
				o[0], o[1], o[2] = f(float32(r)*step, float32(g)*step, float32(b)*step)
				line = line[:0]
				for c, v := range o {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						return fmt.Errorf("look: LUT value %g at (%d, %d, %d)", v, r, g, b)
					}
					if c > 0 {
						line = append(line, ' ')
					}
					line = strconv.AppendFloat(line, float64(v), 'f', 6, 32)
				}
				line = append(line, '\n')
				if _, err := bw.Write(line); err != nil {
					return err
				}
			}
		}
	}
	return bw.Flush()
}

// A Cube is a 3D LUT read from a Cube file.
type Cube struct {
	Title    string
	Size     int
	Min, Max [3]float32 // the input domain, [0, 1]³ unless the file says otherwise
	// Table holds Size³ output colours (R, G, B), red index fastest.
	Table []float32
}

// ErrCube is returned (wrapped, with the line) for a malformed Cube file.
var ErrCube = errors.New("look: malformed .cube LUT")

// ReadCube parses a 3D LUT in the Cube format. It accepts comments, blank
// lines and the keywords in any order before the table, and refuses 1D
// LUTs, a table of the wrong length and anything unparsable.
func ReadCube(rd io.Reader) (*Cube, error) {
	c := &Cube{Max: [3]float32{1, 1, 1}}
	sc := bufio.NewScanner(rd)
	lineNo := 0
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: line %d: %s", ErrCube, lineNo, fmt.Sprintf(format, a...))
	}
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.Fields(line)
		key := fields[0]
		switch {
		case key == "TITLE":
			if len(c.Table) > 0 {
				return nil, bad("TITLE after the table")
			}
			c.Title = strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, "TITLE")), "\"")
		case key == "LUT_3D_SIZE":
			if len(fields) != 2 || len(c.Table) > 0 || c.Size != 0 {
				return nil, bad("misplaced or malformed LUT_3D_SIZE")
			}
			n, err := strconv.Atoi(fields[1])
			if err != nil || n < minCubeSize || n > maxCubeSize {
				return nil, bad("LUT_3D_SIZE %q", fields[1])
			}
			c.Size = n
			// Grow as lines arrive: a header alone must not reserve the
			// 200 MB of a 256³ table.
			c.Table = make([]float32, 0, 3*min(n, CubeSize)*min(n, CubeSize)*min(n, CubeSize))
		case key == "LUT_1D_SIZE":
			return nil, bad("1D LUTs are not supported")
		case key == "DOMAIN_MIN" || key == "DOMAIN_MAX":
			v, err := floats3(fields[1:])
			if err != nil || len(c.Table) > 0 {
				return nil, bad("malformed or misplaced %s", key)
			}
			if key == "DOMAIN_MIN" {
				c.Min = v
			} else {
				c.Max = v
			}
		default:
			v, err := floats3(fields)
			if err != nil {
				return nil, bad("%q is neither a keyword nor three numbers", line)
			}
			if c.Size == 0 {
				return nil, bad("table before LUT_3D_SIZE")
			}
			if len(c.Table) == 3*c.Size*c.Size*c.Size {
				return nil, bad("more than %d³ entries", c.Size)
			}
			c.Table = append(c.Table, v[0], v[1], v[2])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("look: reading LUT: %w", err)
	}
	if c.Size == 0 {
		return nil, fmt.Errorf("%w: no LUT_3D_SIZE", ErrCube)
	}
	if len(c.Table) != 3*c.Size*c.Size*c.Size {
		return nil, fmt.Errorf("%w: %d entries, want %d³", ErrCube, len(c.Table)/3, c.Size)
	}
	for i := range 3 {
		if !(c.Max[i] > c.Min[i]) {
			return nil, fmt.Errorf("%w: empty domain %g…%g", ErrCube, c.Min[i], c.Max[i])
		}
	}
	return c, nil
}

func floats3(f []string) (v [3]float32, err error) {
	if len(f) != 3 {
		return v, errors.New("want three numbers")
	}
	for i, s := range f {
		x, err := strconv.ParseFloat(s, 32)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return v, errors.New("not a finite number")
		}
		v[i] = float32(x)
	}
	return v, nil
}

// At returns the table entry at lattice indices (r, g, b).
func (c *Cube) At(r, g, b int) (float32, float32, float32) {
	i := 3 * ((b*c.Size+g)*c.Size + r)
	return c.Table[i], c.Table[i+1], c.Table[i+2]
}

// Map looks a colour up with trilinear interpolation, as editors do;
// inputs outside the domain are clamped to it.
func (c *Cube) Map(r, g, b float32) (float32, float32, float32) {
	var idx [3]int
	var frac [3]float32
	for k, v := range [3]float32{r, g, b} {
		t := (v - c.Min[k]) / (c.Max[k] - c.Min[k]) * float32(c.Size-1)
		t = min(max(t, 0), float32(c.Size-1))
		i := min(int(t), c.Size-2)
		idx[k], frac[k] = i, t-float32(i)
	}
	var out [3]float32
	for corner := range 8 {
		w := float32(1)
		var at [3]int
		for k := range 3 {
			if corner>>k&1 == 1 {
				w *= frac[k]
				at[k] = idx[k] + 1
			} else {
				w *= 1 - frac[k]
				at[k] = idx[k]
			}
		}
		o0, o1, o2 := c.At(at[0], at[1], at[2])
		out[0] += w * o0
		out[1] += w * o1
		out[2] += w * o2
	}
	return out[0], out[1], out[2]
}
