// Package xlsx reads and writes spreadsheets in the Office Open XML format
// that Excel and LibreOffice open directly. It is the one owner of
// github.com/xuri/excelize: the rest of the platform sees rows of cells.
package xlsx

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Cell is a value in a sheet: a string, or a number (int, int64, float64).
type Cell any

// Write writes a workbook with one sheet named sheet: a bold, frozen header
// row, then rows. Strings stay text even when they look like numbers or
// formulas (a phone number keeps its leading zero; "=…" is not evaluated).
func Write(w io.Writer, sheet string, header []string, rows [][]Cell) error {
	f := excelize.NewFile()
	defer f.Close()
	name := sheetName(sheet)
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return fmt.Errorf("xlsx: name sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("xlsx: stream: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx: style: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx: freeze header: %w", err)
	}
	// Columns wide enough for their longest value, within reason.
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if s, ok := c.(string); ok && i < len(widths) && utf8.RuneCountInString(s) > widths[i] {
				widths[i] = utf8.RuneCountInString(s)
			}
		}
	}
	for i, n := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(n+2, 6), 60))); err != nil {
			return fmt.Errorf("xlsx: column width: %w", err)
		}
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: bold, Value: clean(h)}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("xlsx: header: %w", err)
	}
	for n, r := range rows {
		vals := make([]any, len(r))
		for i, c := range r {
			switch v := c.(type) {
			case string:
				vals[i] = excelize.Cell{Value: clean(v)}
			case int, int64, float64:
				vals[i] = v
			case nil:
				vals[i] = nil
			default:
				return fmt.Errorf("xlsx: row %d column %d: cannot write a %T", n+1, i+1, c)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return fmt.Errorf("xlsx: row %d: %w", n+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: flush: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}

// ErrNotWorkbook is returned for a file that is not an XLSX workbook.
var ErrNotWorkbook = errors.New("xlsx: not an Excel workbook (.xlsx)")

// maxUnzipped bounds what a workbook read may unpack, all parts together.
// excelize allocates each part at the size the zip declares for it (up to
// 16 GB by default): a 7 KB upload declaring a 4 GB sheet took 4 GB of
// memory (FuzzReadTable in internal/report). A province's roster unpacks to
// a few megabytes. With both limits equal no part is unpacked to a temporary
// file, which excelize leaves behind when the part is corrupt.
const maxUnzipped = 64 << 20

// Read returns the rows of the first sheet as text, as a person sees them
// in Excel (numbers formatted, dates as shown). Empty rows at the end are
// dropped; shorter rows are not padded.
func Read(r io.Reader) ([][]string, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotWorkbook, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrNotWorkbook
	}
	// Rows are read one at a time, as GetRows does, but a row wider than a
	// roster can be is refused as soon as it is seen: GetRows would keep
	// every row at its full width, and 4,000 rows each with one cell in
	// column XFD (a 27 KB file) took 4.5 GB.
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("xlsx: read sheet %q: %w", sheets[0], err)
	}
	defer it.Close()
	var rows [][]string
	n := 0
	for it.Next() {
		n++
		row, err := it.Columns()
		if err != nil {
			return nil, fmt.Errorf("xlsx: read sheet %q, row %d: %w", sheets[0], n, err)
		}
		for len(row) > 0 && strings.TrimSpace(row[len(row)-1]) == "" {
			row = row[:len(row)-1]
		}
		if len(row) > MaxColumns {
			return nil, fmt.Errorf("%w: row %d has %d columns; a sheet may have at most %d", ErrTooLarge, n, len(row), MaxColumns)
		}
		if n > MaxRows {
			return nil, fmt.Errorf("%w: more than %d rows", ErrTooLarge, MaxRows)
		}
		if len(row) == 0 {
			rows = append(rows, nil) // kept so that row numbers stay those of the sheet
			continue
		}
		rows = append(rows, slices.Clone(row))
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("xlsx: read sheet %q: %w", sheets[0], err)
	}
	for len(rows) > 0 && blank(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
}

// Limits of a sheet Read accepts: far above any roster (a province has a
// few thousand officers and a dozen columns), far below what would
// exhaust the server's memory.
const (
	MaxColumns = 256
	MaxRows    = 200_000
)

// ErrTooLarge is returned for a sheet beyond the limits.
var ErrTooLarge = errors.New("xlsx: the sheet is too large")

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// clean drops the control characters XML cannot carry.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		return r
	}, s)
}

// sheetName makes s a valid sheet name: at most 31 characters, none of
// : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if strings.TrimSpace(s) == "" {
		s = "Sheet1"
	}
	return s
}
