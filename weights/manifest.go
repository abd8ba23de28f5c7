package weights

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// ManifestFormat is the Format field of every manifest.
const ManifestFormat = "sentiment-weights"

// ErrIntegrity is returned (wrapped) when a file's size or sha256 is not
// the one its manifest records: a truncated download or a tampered file.
var ErrIntegrity = errors.New("weights: file does not match its manifest")

// Manifest is the small JSON document published beside a weights file. The
// loader checks the file against it before parsing.
type Manifest struct {
	Format   string `json:"format"`   // ManifestFormat
	Version  int    `json:"version"`  // the file's format version
	Backbone string `json:"backbone"` // the file's backbone name
	File     string `json:"file"`     // the file's name, relative to the manifest
	Size     int64  `json:"size"`     // bytes
	SHA256   string `json:"sha256"`   // lowercase hex digest of the whole file
}

// NewManifest describes data, an encoded file of the given backbone, saved
// under the name file.
func NewManifest(file, backbone string, data []byte) Manifest {
	sum := sha256.Sum256(data)
	return Manifest{
		Format:   ManifestFormat,
		Version:  Version,
		Backbone: backbone,
		File:     file,
		Size:     int64(len(data)),
		SHA256:   hex.EncodeToString(sum[:]),
	}
}

// ParseManifest decodes a manifest's JSON and checks its fields.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("weights: manifest: %v", err)
	}
	if m.Format != ManifestFormat {
		return Manifest{}, fmt.Errorf("weights: manifest format %q, want %q", m.Format, ManifestFormat)
	}
	if m.Version != Version {
		return Manifest{}, fmt.Errorf("weights: manifest of format version %d, this reader knows version %d", m.Version, Version)
	}
	if b, err := hex.DecodeString(m.SHA256); err != nil || len(b) != sha256.Size {
		return Manifest{}, fmt.Errorf("weights: manifest sha256 %q is not 64 hex digits", m.SHA256)
	}
	if m.Size <= 0 || m.Backbone == "" {
		return Manifest{}, fmt.Errorf("weights: manifest without size or backbone")
	}
	return m, nil
}

// Marshal returns the manifest's JSON, indented, with a final newline.
func (m Manifest) Marshal() []byte {
	b, _ := json.MarshalIndent(m, "", "  ") // plain strings and ints: cannot fail
	return append(b, '\n')
}

// Load checks data against m (size, then sha256) and parses it, refusing a
// file whose backbone is not the manifest's.
func Load(data []byte, m Manifest) (*File, error) {
	if int64(len(data)) != m.Size {
		return nil, fmt.Errorf("%w: %s has %d bytes, its manifest says %d (truncated or wrong file)", ErrIntegrity, m.File, len(data), m.Size)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != m.SHA256 {
		return nil, fmt.Errorf("%w: %s has sha256 %s, its manifest says %s (corrupt or tampered)", ErrIntegrity, m.File, got, m.SHA256)
	}
	f, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if f.Backbone != m.Backbone {
		return nil, fmt.Errorf("%w: %s holds backbone %q, its manifest says %q", ErrIntegrity, m.File, f.Backbone, m.Backbone)
	}
	return f, nil
}
