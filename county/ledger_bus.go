package county

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/web"
)

// The service bus (便民服务车) is a hall of its own (its numbers, its
// ledger) whose hall file names its township hall (parent) and its tour.
// The county rolls each bus's days into its township's 台账, under the
// village the tour says it served that day.

// BusVillage is what one bus did in one village over the range.
type BusVillage struct {
	Village string   `json:"village"` // "" when the tour names no village that day (未排班)
	Bus     string   `json:"bus"`
	BusName string   `json:"bus_name"`
	Days    []string `json:"days"` // the days it worked there
	queue.Figures
}

// Township is a township hall's 台账 with its buses rolled in: Total adds
// the hall's own days and its buses' days; Villages split the buses' part
// by village.
type Township struct {
	Hall     string        `json:"hall"`
	Name     string        `json:"name"`
	Total    queue.Figures `json:"total"`
	Villages []BusVillage  `json:"villages"`
}

// busRows are the townships' buses as ledger rows: each village, then the
// township's total with its buses (the 便民服务车 sheet of the workbook, as
// the ledger page shows them).
func busRows(ts []Township) []web.LedgerRow {
	var out []web.LedgerRow
	for _, t := range ts {
		for _, v := range t.Villages {
			out = append(out, web.LedgerRow{Label: fmt.Sprintf("%s · %s（%s，%d 天）", t.Name, cmp.Or(v.Village, "未排班"), v.BusName, len(v.Days)), Figures: v.Figures})
		}
		out = append(out, web.LedgerRow{Label: t.Name + " 合计（含服务车）", Figures: t.Total})
	}
	return out
}

// busHall is a bus among the county's halls.
type busHall struct {
	id, name, parent string
	cfg              *queue.Hall
	// villageOn is the village of a day by the tour in force that day:
	// a changed round does not rename the days before it.
	villageOn func(day string) string
}

// townships rolls the buses among the halls into their townships; days
// holds each hall's day summaries of the ledger's range, by hall id.
func (s *Service) townships(days map[string][]queue.DaySummary) []Township {
	var buses []busHall
	parents := map[string]*hall{}
	s.fold.mu.RLock()
	defer s.fold.mu.RUnlock()
	for id, h := range s.fold.halls {
		if cfg := h.st.Hall(); cfg.Parent != "" {
			villageOn := func(day string) string {
				then, err := s.fold.hallUntil(h, day)
				if err != nil {
					then = cfg
				}
				return then.VillageOn(day)
			}
			buses = append(buses, busHall{id: id, name: h.name(), parent: cfg.Parent, cfg: cfg, villageOn: villageOn})
			parents[cfg.Parent] = s.fold.halls[cfg.Parent]
		}
	}
	names := map[string]string{}
	targets := map[string]*queue.Hall{}
	for id, h := range parents {
		names[id] = id
		if h != nil {
			names[id], targets[id] = h.name(), h.st.Hall()
		}
	}
	slices.SortFunc(buses, func(a, b busHall) int { return cmp.Compare(a.id, b.id) })
	var out []Township
	for _, b := range buses {
		i := slices.IndexFunc(out, func(t Township) bool { return t.Hall == b.parent })
		if i < 0 {
			out = append(out, Township{Hall: b.parent, Name: names[b.parent], Villages: []BusVillage{}})
			i = len(out) - 1
		}
		out[i].Villages = append(out[i].Villages, busVillages(b, days[b.id])...)
	}
	for i := range out {
		t := &out[i]
		total := &queue.Tally{}
		for _, d := range days[t.Hall] {
			total.Add(&d.Total)
		}
		target := targets[t.Hall]
		for _, b := range buses {
			if b.parent != t.Hall {
				continue
			}
			for _, d := range days[b.id] {
				total.Add(&d.Total)
			}
			if target == nil {
				target = b.cfg
			}
		}
		t.Total = total.Figures(target.TargetWait())
	}
	slices.SortFunc(out, func(a, b Township) int { return cmp.Compare(a.Hall, b.Hall) })
	return out
}

// busVillages splits a bus's days by the village of its tour, in the
// order it first went there.
func busVillages(b busHall, days []queue.DaySummary) []BusVillage {
	var out []BusVillage
	var tallies []*queue.Tally
	for _, d := range days {
		if d.Total.Issued == 0 {
			continue // the bus did not go out
		}
		v := b.villageOn(d.Day)
		i := slices.IndexFunc(out, func(x BusVillage) bool { return x.Village == v })
		if i < 0 {
			out = append(out, BusVillage{Village: v, Bus: b.id, BusName: b.name})
			tallies = append(tallies, &queue.Tally{})
			i = len(out) - 1
		}
		tallies[i].Add(&d.Total)
		out[i].Days = append(out[i].Days, d.Day)
	}
	for i := range out {
		out[i].Figures = tallies[i].Figures(b.cfg.TargetWait())
	}
	return out
}
