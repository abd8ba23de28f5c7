package imaging

import "encoding/binary"

// Orientation returns the EXIF orientation (1–8) of a JPEG or TIFF file:
// 1 when the file has none, has an invalid one, or is of another format.
//
// Only the Orientation tag (0x0112) of IFD0 is read. The reader is written
// here rather than taken from a module: no well-kept Go EXIF module was at
// hand, and this one tag needs a few bounds-checked reads, not a metadata
// library.
func Orientation(b []byte) int {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xD8 {
		return jpegOrientation(b)
	}
	if o := tiffOrientation(b); o != 0 {
		return o
	}
	return 1
}

// jpegOrientation walks the marker segments before the first scan, looking
// for an APP1 segment that holds Exif data (a TIFF structure after the
// "Exif\0\0" header).
func jpegOrientation(b []byte) int {
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return 1 // lost sync: not a well-formed header
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8: // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image
			return 1
		}
		n := int(b[i+2])<<8 | int(b[i+3]) // includes the two length bytes
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads the Orientation tag of IFD0 of a TIFF structure,
// returning 0 if there is none or it is not a valid SHORT in 1–8.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	off := uint64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 0
	}
	count := int(bo.Uint16(t[off:]))
	entries := t[off+2:]
	for k := 0; k < count && 12*k+12 <= len(entries); k++ {
		e := entries[12*k : 12*k+12]
		if bo.Uint16(e) != 0x0112 {
			continue
		}
		const short = 3
		if bo.Uint16(e[2:]) != short || bo.Uint32(e[4:]) != 1 {
			return 0
		}
		// A single SHORT sits in the first two bytes of the value field.
		if v := bo.Uint16(e[8:]); v >= 1 && v <= 8 {
			return int(v)
		}
		return 0
	}
	return 0
}
