// Package score holds the numbers by which a transfer is judged: SSIM to
// the input (the structure kept), the movement of the CIELAB statistics
// toward the reference (the colour carried).
package score
