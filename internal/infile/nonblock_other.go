//go:build !unix

package infile

// nonblock is 0 where opening cannot block on a FIFO, or O_NONBLOCK is
// not there; the Stat before the open still refuses one.
const nonblock = 0
