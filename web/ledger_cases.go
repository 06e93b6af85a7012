package web

import (
	"github.com/yimen-hall/yimen/queue"
)

// The 承诺件 part of the ledger: the sheet 承诺件 of the workbook and its
// table on the printed report, one row for the range's total, then one per
// service and one per responsible clerk.

var caseColumns = []xlsxCol{
	{"分组", 't', 10}, {"名称", 't', 16}, {"到期件数", 'n', 8}, {"按时办结", 'n', 8}, {"按时办结率", 'r', 10},
	{"未办结", 'n', 7}, {"超期未办结", 'n', 9}, {"办结件数", 'n', 8}, {"平均办结(工作日)", 'm', 10},
	{"补正暂停(工作日)", 'n', 10}, {"暂停次数", 'n', 8},
}

// caseRows lists the rows: the total with every figure, the groups with
// those they have (the last four columns belong to the total only).
func caseRows(l *queue.CaseLedger) [][]any {
	rows := [][]any{{"合计", "", l.Due, l.OnTime, l.Rate, l.Open, l.Overdue, l.Done, l.AvgDays, l.SuspendedDays, l.Suspensions}}
	for _, g := range []struct {
		label string
		lines []queue.CaseGroup
	}{{"事项", l.ByService}, {"首问责任人", l.ByClerk}} {
		for _, c := range g.lines {
			rows = append(rows, []any{g.label, c.Name, c.Due, c.OnTime, c.Rate, c.Open, c.Overdue})
		}
	}
	return rows
}

func caseSheet(l *queue.CaseLedger) xlsxSheet {
	return xlsxSheet{name: "承诺件", cols: caseColumns, rows: caseRows(l)}
}

func caseTable(l *queue.CaseLedger) reportTable {
	t := reportTable{Title: "承诺件（按时办结率 = 按时办结 / 到期件数）"}
	for _, c := range caseColumns {
		t.Head = append(t.Head, c.head)
	}
	for _, row := range caseRows(l) {
		var cells []string
		for i, v := range row {
			switch x := v.(type) {
			case string:
				cells = append(cells, x)
			case int:
				cells = append(cells, itoa(x))
			case float64:
				if caseColumns[i].kind == 'r' {
					cells = append(cells, rate(x, row[2].(int)))
				} else {
					cells = append(cells, min1(x))
				}
			}
		}
		for len(cells) < len(caseColumns) {
			cells = append(cells, "")
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}
