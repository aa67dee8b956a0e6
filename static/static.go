// Package static embeds the CSS, scripts and icons served by the binary, so a
// page needs nothing from any other host.
package static

import "embed"

// FS holds every static file, addressed by its path below static/.
//
//go:embed css js img
var FS embed.FS
