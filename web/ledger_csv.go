package web

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"github.com/yimen-hall/yimen/queue"
)

// ledgerHeader is the 台账 sheet's header row, as counties ask for it.
var ledgerHeader = []string{"日期", "取号", "受理", "办结", "即办件", "承诺件", "咨询", "办结率", "过号", "平均等候(分钟)", "最长等候(分钟)", "评价数", "满意率"}

// ledgerValues is one row of the 台账 sheet after its date: counts, rates
// (0..1) and minutes, in ledgerHeader's order.
func ledgerValues(f queue.Figures) []float64 {
	return []float64{
		float64(f.Issued), float64(f.Accepted), float64(f.Finished),
		float64(f.Immediate), float64(f.Promised), float64(f.Consult),
		f.FinishRate, float64(f.NoShow), f.AvgWaitMinutes, f.MaxWaitMinutes,
		float64(f.Rated), f.Satisfaction,
	}
}

// ledgerRateColumns are the columns of ledgerValues that are rates.
var ledgerRateColumns = map[int]bool{6: true, 11: true}

// ledgerCSV is the 台账 sheet as CSV: UTF-8 with a byte-order mark, which
// Excel and WPS on a Chinese Windows need to read it as UTF-8. Rates are
// written as percentages with one decimal ("98.5%"), as Excel shows them.
func ledgerCSV(rep queue.Report) ([]byte, error) {
	rows := make([]LedgerRow, 0, len(rep.Days)+1)
	for _, d := range rep.Days {
		rows = append(rows, LedgerRow{d.Day, d.Figures})
	}
	return writeLedgerCSV(ledgerHeader[0], append(rows, LedgerRow{"合计", rep.Figures}))
}

// CountyLedgerCSV is the county workbook's summary sheet as CSV: a row per
// hall, then 全县合计.
func CountyLedgerCSV(total queue.Report, halls []queue.Report) ([]byte, error) {
	rows := make([]LedgerRow, 0, len(halls)+1)
	for _, h := range halls {
		rows = append(rows, LedgerRow{h.Hall, h.Figures})
	}
	return writeLedgerCSV("乡镇大厅", append(rows, LedgerRow{"全县合计", total.Figures}))
}

func writeLedgerCSV(label string, rows []LedgerRow) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	cw.Write(append([]string{label}, ledgerHeader[1:]...))
	for _, r := range rows {
		rec := []string{r.Label}
		for i, v := range ledgerValues(r.Figures) {
			if ledgerRateColumns[i] {
				rec = append(rec, strconv.FormatFloat(v*100, 'f', 1, 64)+"%")
			} else {
				rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}
