package main

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"testing"
)

// A spreadsheet reader that is not excelize: it opens the .xlsx as the
// zip of XML parts it is (ECMA-376) and reads cell values, number formats,
// frozen panes and the page setup, the way Excel or WPS would find them.

type xlsxBook struct {
	sheets  []string // names in order
	cells   map[string]map[string]xlsxCell
	panes   map[string]xlsxPane
	setup   map[string]xlsxSetup
	formats map[int]string // style index → number format code
	widths  map[string]int // sheet → number of <col> width entries
}

type xlsxCell struct {
	text   string // shared or inline string
	num    float64
	isNum  bool
	format string
}

type xlsxPane struct {
	State  string `xml:"state,attr"`
	YSplit string `xml:"ySplit,attr"`
}

type xlsxSetup struct {
	PaperSize   string `xml:"paperSize,attr"`
	Orientation string `xml:"orientation,attr"`
	FitToWidth  string `xml:"fitToWidth,attr"`
}

func readXLSX(t *testing.T, data []byte) *xlsxBook {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the xlsx is not a zip: %v", err)
	}
	part := func(name string, v any) {
		t.Helper()
		f, err := zr.Open(name)
		if err != nil {
			t.Fatalf("xlsx part %s: %v", name, err)
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		if err := xml.Unmarshal(b, v); err != nil {
			t.Fatalf("xlsx part %s: %v", name, err)
		}
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	part("xl/workbook.xml", &wb)
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	part("xl/_rels/workbook.xml.rels", &rels)
	var sst struct {
		SI []struct {
			T string `xml:"t"`
			R []struct {
				T string `xml:"t"`
			} `xml:"r"`
		} `xml:"si"`
	}
	if _, err := zr.Open("xl/sharedStrings.xml"); err == nil {
		part("xl/sharedStrings.xml", &sst)
	}
	strs := make([]string, len(sst.SI))
	for i, si := range sst.SI {
		strs[i] = si.T
		for _, r := range si.R {
			strs[i] += r.T
		}
	}
	var styles struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmt int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	part("xl/styles.xml", &styles)
	codes := map[int]string{0: "General", 1: "0", 2: "0.00", 9: "0%", 10: "0.00%"}
	for _, n := range styles.NumFmts {
		codes[n.ID] = n.Code
	}
	b := &xlsxBook{cells: map[string]map[string]xlsxCell{}, panes: map[string]xlsxPane{},
		setup: map[string]xlsxSetup{}, formats: map[int]string{}, widths: map[string]int{}}
	for i, x := range styles.Xfs {
		b.formats[i] = codes[x.NumFmt]
	}
	for _, s := range wb.Sheets {
		target := ""
		for _, r := range rels.Rel {
			if r.ID == s.RID {
				target = r.Target
			}
		}
		if !strings.HasPrefix(target, "/") {
			target = path.Join("xl", target)
		}
		var ws struct {
			Pane  xlsxPane  `xml:"sheetViews>sheetView>pane"`
			Setup xlsxSetup `xml:"pageSetup"`
			Cols  []struct {
				Width string `xml:"width,attr"`
			} `xml:"cols>col"`
			Rows []struct {
				C []struct {
					R  string `xml:"r,attr"`
					T  string `xml:"t,attr"`
					S  int    `xml:"s,attr"`
					V  string `xml:"v"`
					IS struct {
						T string `xml:"t"`
					} `xml:"is"`
				} `xml:"c"`
			} `xml:"sheetData>row"`
		}
		part(strings.TrimPrefix(target, "/"), &ws)
		b.sheets = append(b.sheets, s.Name)
		b.panes[s.Name], b.setup[s.Name], b.widths[s.Name] = ws.Pane, ws.Setup, len(ws.Cols)
		cells := map[string]xlsxCell{}
		for _, row := range ws.Rows {
			for _, c := range row.C {
				cell := xlsxCell{format: b.formats[c.S]}
				switch c.T {
				case "s":
					i, _ := strconv.Atoi(c.V)
					cell.text = strs[i]
				case "inlineStr":
					cell.text = c.IS.T
				case "str":
					cell.text = c.V
				default:
					if c.V != "" {
						cell.num, err = strconv.ParseFloat(c.V, 64)
						if err != nil {
							t.Fatalf("%s!%s: %q is not a number", s.Name, c.R, c.V)
						}
						cell.isNum = true
					}
				}
				cells[c.R] = cell
			}
		}
		b.cells[s.Name] = cells
	}
	return b
}

// cell returns the cell at column col (1-based) and row (1-based).
func (b *xlsxBook) cell(sheet string, col, row int) xlsxCell {
	name := ""
	for c := col; c > 0; c = (c - 1) / 26 {
		name = string(rune('A'+(c-1)%26)) + name
	}
	return b.cells[sheet][fmt.Sprintf("%s%d", name, row)]
}
