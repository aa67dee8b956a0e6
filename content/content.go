// Package content embeds the course Markdown shipped with the binary; a
// --content folder given at start-up replaces it.
package content

import "embed"

// FS holds one folder per course.
//
//go:embed all:nghiep-vu-thi-dua-khen-thuong
var FS embed.FS
