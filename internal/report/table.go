package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/tdkt/tdkt/internal/xlsx"
)

// ErrNotUTF8 is a CSV file saved in a legacy encoding.
var ErrNotUTF8 = errors.New(`report: the CSV file is not UTF-8; in Excel save it as "CSV UTF-8 (Comma delimited)"`)

// Line is one row of an uploaded table with the line (or sheet row) it
// came from, so that a problem can be named where the person will find it.
type Line struct {
	N     int
	Cells []string
}

// ReadTable reads an uploaded table, an XLSX workbook (its first sheet) or
// a CSV file as Excel writes it in Vietnam: UTF-8 with or without a
// byte-order mark, commas or semicolons (the separator of the header line
// is taken for the whole file), Windows or Unix line ends. Blank lines are
// left out; each line keeps its number.
func ReadTable(data []byte) ([]Line, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		rows, err := xlsx.Read(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		var out []Line
		for i, r := range rows {
			if !blankRow(r) {
				out = append(out, Line{N: i + 1, Cells: r})
			}
		}
		return out, nil
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, ErrNotUTF8
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.FieldsPerRecord = -1 // short rows are reported by the checks, with their line
	var out []Line
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("report: CSV line %d: %w", pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("report: read CSV: %w", err)
		}
		if blankRow(rec) {
			continue
		}
		line, _ := r.FieldPos(0)
		out = append(out, Line{N: line, Cells: rec})
	}
}

// separator is ';' when the first line has more semicolons than commas
// outside quotes (Excel's CSV where the decimal mark is a comma), else ','.
func separator(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	commas, semis, quoted := 0, 0, false
	for _, c := range string(line) {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

func blankRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
