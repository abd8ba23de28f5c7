package backbone

import (
	"fmt"
	"strings"
)

// ParseLabels reads class names, one a line, for a network of the given
// number of classes. A list with one line more whose first line is
// "background" (as in imagenet_labels.txt, made for networks with a
// background class) has that line dropped, so that label i is class i.
func ParseLabels(data []byte, classes int) ([]string, error) {
	text := strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	lines := strings.Split(text, "\n")
	if len(lines) == classes+1 && strings.EqualFold(strings.TrimSpace(lines[0]), "background") {
		lines = lines[1:]
	}
	if len(lines) != classes {
		return nil, fmt.Errorf("backbone: %d labels for a network of %d classes", len(lines), classes)
	}
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return lines, nil
}
