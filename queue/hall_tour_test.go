package queue_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/yimen-hall/yimen/queue"
)

// busHall is the test hall as a service bus; fields is JSON to add
// (parent, tour …).
func busHall(fields string) string {
	return strings.Replace(smallHall, `"name": "测试镇便民服务中心",`, `"name": "测试镇便民服务车", "id": "ceshi-bus", `+fields+`,`, 1)
}

func TestTourValidation(t *testing.T) {
	tests := []struct {
		fields string
		want   string // the path of the error, "" when valid
	}{
		{`"parent": "ceshi"`, ""},
		{`"parent": "ceshi", "tour": [{"day": "2026-11-23", "village": "李家村"}, {"weekdays": [2, 4], "village": "王家村"}]`, ""},
		{`"parent": "Ceshi Town"`, "parent"},
		{`"parent": "ceshi-bus"`, "parent"},
		{`"tour": [{"day": "2026-11-23", "village": "李家村"}]`, "tour"},
		{`"parent": "ceshi", "tour": [{"day": "2026-11-23", "village": " "}]`, "tour[0].village"},
		{`"parent": "ceshi", "tour": [{"day": "2026-11-23", "village": "一二三四五六七八九十一二三四五六七八九十一"}]`, "tour[0].village"},
		{`"parent": "ceshi", "tour": [{"day": "23.11.2026", "village": "李家村"}]`, "tour[0].day"},
		{`"parent": "ceshi", "tour": [{"day": "2026-11-23", "village": "李家村"}, {"day": "2026-11-23", "village": "王家村"}]`, "tour[1].day"},
		{`"parent": "ceshi", "tour": [{"weekdays": [8], "village": "李家村"}]`, "tour[0].weekdays"},
		{`"parent": "ceshi", "tour": [{"weekdays": [2], "village": "李家村"}, {"weekdays": [2], "village": "王家村"}]`, "tour[1].weekdays"},
		{`"parent": "ceshi", "tour": [{"village": "李家村"}]`, "tour[0]"},
		{`"parent": "ceshi", "tour": [{"day": "2026-11-23", "weekdays": [1], "village": "李家村"}]`, "tour[0]"},
	}
	for _, tt := range tests {
		_, err := queue.ParseHall(strings.NewReader(busHall(tt.fields)))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.fields, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want+":") {
			t.Errorf("%s: error %v, want one at %s", tt.fields, err, tt.want)
		}
	}
}

func TestVillageOn(t *testing.T) {
	h := parseHall(t, busHall(`"parent": "ceshi", "tour": [
		{"weekdays": [1, 3], "village": "王家村"},
		{"day": "2026-11-23", "village": "李家村"},
		{"weekdays": [5], "village": "赵家村"}]`))
	for day, want := range map[string]string{
		"2026-11-23": "李家村", // a Monday, but the dated stop wins
		"2026-11-30": "王家村", // the next Monday
		"2026-11-25": "王家村", // Wednesday
		"2026-11-27": "赵家村", // Friday
		"2026-11-24": "",    // Tuesday: not on the tour
		"bad":        "",
	} {
		if got := h.VillageOn(day); got != want {
			t.Errorf("VillageOn(%s) = %q, want %q", day, got, want)
		}
	}
	// The fields go out with the hall's document (the county reads the
	// tour from it).
	js, err := h.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Parent string           `json:"parent"`
		Tour   []queue.TourStop `json:"tour"`
	}
	if err := json.Unmarshal(js, &doc); err != nil || doc.Parent != "ceshi" || len(doc.Tour) != 3 || doc.Tour[1].Village != "李家村" {
		t.Errorf("the hall's document says parent %q, tour %+v (%v)", doc.Parent, doc.Tour, err)
	}
}
