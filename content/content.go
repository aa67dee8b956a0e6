// Package content embeds the course Markdown shipped with the binary; a
// --content folder given at start-up replaces it.
package content

import "embed"

// FS holds one folder per course. Names starting with . or _ (drafts) are
// left out by go:embed, as the loader leaves them out of a folder on disk.
//
//go:embed *
var FS embed.FS
