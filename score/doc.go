// Package score holds the numbers by which a transfer is judged: SSIM to
// the input (the structure kept), the movement of the CIELAB statistics
// toward the reference (the colour carried), and, with a Judge, the
// movement of Gram matrices toward the reference's in a network other
// than the one that made the result (the style carried, as another eye
// sees it).
package score
