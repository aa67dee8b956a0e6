// Package report turns the platform's tables (attendance, rosters, roll-ups)
// into the files councils keep and pass around: CSV for Excel, and XLSX
// through package xlsx.
package report

import (
	"encoding/csv"
	"io"
	"strings"
)

// WriteCSV writes a CSV file that Excel opens as UTF-8 (a byte-order mark
// first) with header, then rows. A cell that begins with =, +, -, @, a tab
// or a carriage return is a formula to a spreadsheet, so it goes out with
// a leading apostrophe: a name typed as "=HYPERLINK(…)" stays text.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(neutral(header)); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(neutral(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func neutral(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = Neutral(c)
	}
	return out
}

// Neutral is a cell as it may safely go into a CSV file: formulas defused.
func Neutral(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
