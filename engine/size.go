package engine

import (
	"math"

	"sentiment/imaging"
	"sentiment/look"
	"sentiment/retrieval"
	"sentiment/transfer"
)

// The sizes that bound the engine's work, one constant per concept. The
// page reads them from Constants instead of repeating the numbers.
const (
	// MinSide is the smallest side, in pixels, of a photo or reference
	// the transfer accepts.
	MinSide = transfer.MinSide
	// MaxSide is the largest side, in pixels, of an image the page hands
	// over (and of the full-size photo it exports in strips): a canvas
	// holds no more, and decoders refuse more.
	MaxSide = imaging.MaxSide
	// MaxAspect bounds how elongated a photo may be (long side over short
	// side): a run's cost grows with the long side at a fixed short one.
	MaxAspect = imaging.MaxAspect
	// WorkingSize is the long side, in pixels, of the reference pictures
	// the build ships (and the page hands the engine), and of the copy of
	// a photo that retrieval compares natively. The page's photo comes at
	// the run's working size instead, the preset's Size (see Preset; 256
	// by default) or the settings', one copy for retrieval and the run.
	WorkingSize = imaging.WorkingSize
	// CubeSize is the side of the 3D LUT that WriteLUT writes.
	CubeSize = look.CubeSize
	// StripPixels is how many pixels of a full-size photo the page hands
	// ApplyRGBA per call at export: a megapixel is 4 MB of strip in the
	// WebAssembly heap, and few enough calls that their overhead is
	// nothing beside the grid's work.
	StripPixels = 1 << 20
	// bandRows is the height of the bands in which ApplyRGBA holds pixels
	// as floats: a band of a photo MaxSide pixels wide is 12 MB.
	bandRows = 32
)

// Constants returns the size constants, the strength's colour lead and the
// structure match under which a reference is a poor one, by the names the
// page uses. The largest decodable image, imaging.MaxPixels, is read when
// called (tests lower it).
func Constants() map[string]int {
	return map[string]int{
		"minSide":     MinSide,
		"maxSide":     MaxSide,
		"maxPixels":   imaging.MaxPixels,
		"maxAspect":   MaxAspect,
		"workingSize": WorkingSize,
		"cubeSize":    CubeSize,
		"stripPixels": StripPixels,
		// The strength, in percent, from which a result's colours are
		// whole and only its light deepens (look.ColourLead).
		"colourLeadPercent": int(math.Round(look.ColourLead * 100)),
		// The structure match, in percent, below which the page calls a
		// reference a poor match (retrieval.PoorMatch).
		"poorMatchPercent": int(math.Round(retrieval.PoorMatch * 100)),
	}
}
