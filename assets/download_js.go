//go:build js

package assets

import "errors"

// download is not done in the browser: the page fetches its files itself
// (and checks them against the site's manifest), and leaving net/http out
// keeps it out of the WebAssembly binary, which would grow by a quarter.
func download(dst string, r Remote) error {
	return errors.New("no downloads from WebAssembly")
}
