package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"github.com/yimen-hall/yimen/queue"
)

// A column of a ledger sheet: its header, how its numbers look, its width.
type xlsxCol struct {
	head  string
	kind  byte // 't' text, 'n' count, 'm' minutes or hours (one decimal), 'r' rate (percent)
	width float64
}

// xlsxSheet is one sheet of the ledger workbook.
type xlsxSheet struct {
	name string
	cols []xlsxCol
	rows [][]any
}

func figuresRow(lead []any, f queue.Figures) []any {
	return append(lead, f.Issued, f.Accepted, f.Finished, f.FinishRate, f.NoShow, f.NoShowRate,
		f.AvgWaitMinutes, f.MedianWaitMinutes, f.P90WaitMinutes, f.MaxWaitMinutes,
		f.AvgServiceMinutes, f.WithinTarget, f.Rated, f.Satisfaction)
}

var figuresCols = []xlsxCol{
	{"取号", 'n', 7}, {"受理", 'n', 7}, {"办结", 'n', 7}, {"办结率", 'r', 8}, {"过号", 'n', 7}, {"过号率", 'r', 8},
	{"平均等候(分钟)", 'm', 9}, {"中位等候(分钟)", 'm', 9}, {"90%等候(分钟)", 'm', 9}, {"最长等候(分钟)", 'm', 9},
	{"平均办理(分钟)", 'm', 9}, {"按时率", 'r', 8}, {"评价数", 'n', 7}, {"满意率", 'r', 8},
}

// ledgerSheets lays out the workbook: 台账 (the county's columns), then
// per window, per clerk, per hour and the low ratings.
func ledgerSheets(rep queue.Report) []xlsxSheet {
	rows := make([]LedgerRow, 0, len(rep.Days)+1)
	for _, d := range rep.Days {
		rows = append(rows, LedgerRow{d.Day, d.Figures})
	}
	main := ledgerSheet("台账", "日期", append(rows, LedgerRow{"合计", rep.Figures}))

	win := xlsxSheet{name: "按窗口", cols: append([]xlsxCol{{"窗口", 't', 12}}, figuresCols...)}
	for _, l := range rep.Windows {
		win.rows = append(win.rows, figuresRow([]any{l.Name}, l.Figures))
	}
	clerks := xlsxSheet{name: "按人员", cols: append([]xlsxCol{
		{"工号", 't', 7}, {"姓名", 't', 9}, {"在岗(小时)", 'm', 9}, {"暂停(小时)", 'm', 9},
		{"暂停原因", 't', 22}, {"每小时办结", 'm', 9},
	}, figuresCols...)}
	for _, c := range rep.Clerks {
		var reasons []string
		for _, p := range c.Pauses {
			reasons = append(reasons, fmt.Sprintf("%s %d次 %g分钟", p.Reason, p.Count, p.Minutes))
		}
		clerks.rows = append(clerks.rows, figuresRow([]any{c.ID, c.Name, c.SignedInHours, c.PausedHours,
			strings.Join(reasons, "；"), c.TicketsPerHour}, c.Figures))
	}
	hours := xlsxSheet{name: "按时段", cols: append([]xlsxCol{{"时段", 't', 12}}, figuresCols...)}
	for _, h := range rep.Hours {
		hours.rows = append(hours.rows, figuresRow([]any{fmt.Sprintf("%02d:00–%02d:00", h.Hour, h.Hour+1)}, h.Figures))
	}
	low := xlsxSheet{name: "差评", cols: []xlsxCol{
		{"时间", 't', 17}, {"号码", 't', 8}, {"窗口", 't', 10}, {"工作人员", 't', 10}, {"评价", 't', 11}, {"原因", 't', 16},
		{"处理期限", 't', 17}, {"状态", 't', 8}, {"处理方式", 't', 9}, {"处理情况", 't', 30}, {"处理人", 't', 9}, {"处理时间", 't', 17},
	}}
	for _, lr := range rep.LowRatings {
		low.rows = append(low.rows, append([]any{
			lr.At.Format("2006-01-02 15:04"), lr.Number, lr.WindowName,
			lr.StaffName, queue.ScoreNames[lr.Score], lr.Reason,
		}, followupCells(lr, rep.Generated)...))
	}
	sheets := []xlsxSheet{main, win, clerks, hours, low}
	if rep.Cases != nil {
		sheets = append(sheets, caseSheet(rep.Cases))
	}
	return sheets
}

// LedgerRow is one labelled row of a 台账 sheet: a day, a hall, 合计.
type LedgerRow struct {
	Label string
	queue.Figures
}

// ledgerSheet is a 台账 sheet: the label column, then the county's
// columns (ledgerHeader).
func ledgerSheet(name, label string, rows []LedgerRow) xlsxSheet {
	sh := xlsxSheet{name: name, cols: []xlsxCol{{label, 't', 12}}}
	for i, h := range ledgerHeader[1:] {
		kind, width := byte('n'), 8.0
		if ledgerRateColumns[i] {
			kind = 'r'
		} else if strings.Contains(h, "分钟") {
			kind, width = 'm', 10
		}
		sh.cols = append(sh.cols, xlsxCol{h, kind, width})
	}
	for _, r := range rows {
		row := []any{r.Label}
		for i, v := range ledgerValues(r.Figures) {
			if sh.cols[i+1].kind == 'n' {
				row = append(row, int(v))
			} else {
				row = append(row, v)
			}
		}
		sh.rows = append(sh.rows, row)
	}
	return sh
}

// ledgerXLSX writes the workbook a county opens in Excel or WPS.
func ledgerXLSX(rep queue.Report) ([]byte, error) {
	return writeXLSX(rep.Hall, rep.From, rep.To, ledgerSheets(rep))
}

// CountyLedgerXLSX writes the county's workbook: a summary sheet (汇总:
// a row per hall, then 全县合计) and each hall's 台账 sheet, named by the
// hall, exactly as the hall's own workbook has it.
//
// buses, when given, are the service buses' rows by township and village
// (便民服务车), on a sheet of their own after the halls'.
func CountyLedgerXLSX(title string, total queue.Report, halls []queue.Report, buses ...LedgerRow) ([]byte, error) {
	sum := make([]LedgerRow, 0, len(halls)+1)
	sheets := []xlsxSheet{{}}
	used := map[string]bool{"汇总": true}
	for _, h := range halls {
		sum = append(sum, LedgerRow{h.Hall, h.Figures})
		sh := ledgerSheets(h)[0]
		sh.name = sheetName(h.Hall, used)
		sheets = append(sheets, sh)
	}
	sheets[0] = ledgerSheet("汇总", "乡镇大厅", append(sum, LedgerRow{"全县合计", total.Figures}))
	if len(buses) > 0 {
		sheets = append(sheets, ledgerSheet(sheetName("便民服务车", used), "乡镇 · 村（服务车）", buses))
	}
	return writeXLSX(title, total.From, total.To, sheets)
}

// sheetName makes a hall's name a sheet name Excel accepts: at most 31
// characters, none of []:*?/\, unique in the workbook.
func sheetName(name string, used map[string]bool) string {
	r := []rune(strings.Map(func(c rune) rune {
		if strings.ContainsRune(`[]:*?/\`, c) {
			return '_'
		}
		return c
	}, name))
	if len(r) > 28 {
		r = r[:28]
	}
	out := string(r)
	for i := 2; used[out] || out == ""; i++ {
		out = fmt.Sprintf("%s(%d)", string(r), i)
	}
	used[out] = true
	return out
}

// writeXLSX writes a workbook of sheets: numbers as numbers, rates as
// percentages, a frozen header, set widths, and A4 landscape printing one
// page wide with the header on every page.
func writeXLSX(title, from, to string, sheets []xlsxSheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	border := []excelize.Border{
		{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
	}
	pct, dec1 := "0.0%", "0.0"
	style := func(s *excelize.Style) (int, error) { s.Border = border; return f.NewStyle(s) }
	head, err := style(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	if err != nil {
		return nil, err
	}
	kinds := map[byte]*excelize.Style{
		't': {}, 'n': {NumFmt: 1}, 'm': {CustomNumFmt: &dec1}, 'r': {CustomNumFmt: &pct},
	}
	ids := map[byte]int{}
	for k, s := range kinds {
		if ids[k], err = style(s); err != nil {
			return nil, err
		}
	}
	a4, landscape, one, zero, fit := 9, "landscape", 1, 0, true
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return nil, err
		}
		for c, col := range sh.cols {
			cell, _ := excelize.CoordinatesToCellName(c+1, 1)
			f.SetCellValue(sh.name, cell, col.head)
			name, _ := excelize.ColumnNumberToName(c + 1)
			f.SetColWidth(sh.name, name, name, col.width)
		}
		last, _ := excelize.ColumnNumberToName(len(sh.cols))
		f.SetCellStyle(sh.name, "A1", last+"1", head)
		f.SetRowHeight(sh.name, 1, 32)
		for r, row := range sh.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
				f.SetCellValue(sh.name, cell, v)
			}
		}
		for c, col := range sh.cols {
			name, _ := excelize.ColumnNumberToName(c + 1)
			if len(sh.rows) > 0 {
				f.SetCellStyle(sh.name, name+"2", fmt.Sprintf("%s%d", name, len(sh.rows)+1), ids[col.kind])
			}
		}
		if err := f.SetPanes(sh.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		if err := f.SetSheetProps(sh.name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
			return nil, err
		}
		if err := f.SetPageLayout(sh.name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}); err != nil {
			return nil, err
		}
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$1", sh.name), Scope: sh.name}); err != nil {
			return nil, err
		}
		f.SetHeaderFooter(sh.name, &excelize.HeaderFooterOptions{
			OddHeader: "&C&\"-,Bold\"" + title + " " + sh.name + "（" + from + " 至 " + to + "）",
			OddFooter: "&C第 &P 页，共 &N 页",
		})
	}
	f.SetActiveSheet(0)
	f.SetDocProps(&excelize.DocProperties{Title: title + "台账", Language: "zh-CN"})
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// followupCells are a low rating's follow-up columns: deadline, state,
// action, note, who and when.
func followupCells(lr queue.LowRating, now time.Time) []any {
	c := lr.Followup
	if c == nil {
		return []any{"", "", "", "", "", ""}
	}
	loc := lr.At.Location()
	state := "待处理"
	switch {
	case c.Closed:
		state = "已处理"
	case c.Overdue(now):
		state = "已超期"
	}
	closedAt := ""
	if c.Closed {
		closedAt = c.ClosedAt.In(loc).Format("2006-01-02 15:04")
	}
	return []any{c.Due.In(loc).Format("2006-01-02 15:04"), state, queue.FollowupNames[c.Action], c.Note, lr.FollowupBy, closedAt}
}
