// Package static embeds the CSS, scripts and icons served by the binary, so a
// page needs nothing from any other host.
package static

import "embed"

// FS holds the files served to browsers, addressed by their path below static/.
//
//go:embed css js img manifest.webmanifest
var FS embed.FS

// Fonts holds the fonts embedded in generated PDFs (Noto Serif, SIL Open
// Font License, see fonts/LICENSE-Noto.txt); pages use system fonts instead.
//
//go:embed fonts
var Fonts embed.FS
