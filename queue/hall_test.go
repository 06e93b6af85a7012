package queue_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

func TestHallValidation(t *testing.T) {
	edit := func(from, to string) string {
		if !strings.Contains(smallHall, from) {
			t.Fatalf("fixture lacks %q", from)
		}
		return strings.Replace(smallHall, from, to, 1)
	}
	tests := []struct {
		name, hall, want string
	}{
		{"duplicate category id", edit(`"id": "health"`, `"id": "civil"`), `categories[1].id: duplicate id "civil"`},
		{"duplicate prefix", edit(`"prefix": "D"`, `"prefix": "B"`), `categories[1].prefix: prefix "B" is already used by category "civil"`},
		{"bad prefix", edit(`"prefix": "D"`, `"prefix": "d1"`), `categories[1].prefix: must be one to two capital letters`},
		{"service on a missing category", edit(`"categories": ["civil", "health"]}`, `"categories": ["civil", "helth"]}`), `services[0].categories[1]: unknown category "helth"`},
		{"window serving nothing", edit(`"categories": ["farm"]}`, `"categories": []}`), `windows[3].categories: window "7" serves nothing`},
		{"staff on a missing window", edit(`"windows": ["7"]}`, `"windows": ["9"]}`), `staff[4].windows[0]: unknown window "9"`},
		{"bad pin", edit(`"pin": "555555"`, `"pin": "12ab"`), `staff[4].pin: must be 4 to 12 digits`},
		{"bad time zone", edit(`"name": "测试镇便民服务中心",`, `"name": "x", "timezone": "Mars/Base",`), `timezone: unknown time zone "Mars/Base"`},
		{"syntax error with position", edit(`"prefix": "D",`, `"prefix": "D",,`), `line 5, column 36`},
		{"type error with position", edit(`"service_minutes": 10`, `"service_minutes": "ten"`), `categories.service_minutes: want a JSON float64, not string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := queue.ParseHall(strings.NewReader(tt.hall))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseHall error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestHallKeepsUnknownFieldsAndHidesPINs(t *testing.T) {
	js := strings.Replace(smallHall, `"name": "测试镇便民服务中心",`, `"name": "测试镇便民服务中心", "opening_hours": {"am": "08:30"},`, 1)
	js = strings.Replace(js, `{"id": "2", "name": "2号窗口",`, `{"id": "2", "name": "2号窗口", "led_address": 17,`, 1)
	h := parseHall(t, js)
	out, err := json.Marshal(h.Public())
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{`"opening_hours":{"am":"08:30"}`, `"led_address":17`, `"name":"测试镇便民服务中心"`} {
		if !strings.Contains(s, want) {
			t.Errorf("round trip lost %s:\n%s", want, s)
		}
	}
	for _, leak := range []string{"111111", `"pin"`, "pin_hash"} {
		if strings.Contains(s, leak) {
			t.Errorf("public hall shows %s", leak)
		}
	}
	// Even the full hall never writes a plain PIN back.
	full, _ := json.Marshal(h)
	if strings.Contains(string(full), "111111") {
		t.Errorf("hall JSON writes the plain PIN back")
	}
}

func TestDemoHall(t *testing.T) {
	h := queue.DemoHall()
	if n := len(h.Categories); n < 5 || n > 7 {
		t.Errorf("%d categories", n)
	}
	if n := len(h.Services); n < 18 {
		t.Errorf("%d services", n)
	}
	shared := 0
	for _, s := range h.Services {
		if len(s.Categories) > 1 {
			shared++
		}
	}
	if shared < 3 {
		t.Errorf("only %d services are served by two categories", shared)
	}
	if len(h.Windows) != 8 {
		t.Errorf("%d windows", len(h.Windows))
	}
	for _, w := range h.Windows {
		if w.A == "" || w.B == "" {
			t.Errorf("window %s lacks an A or B post: A=%q B=%q", w.ID, w.A, w.B)
		}
	}
}

func FuzzParseHall(f *testing.F) {
	f.Add([]byte(smallHall))
	f.Add([]byte(`{"name":"x","categories":[{"id":"a","prefix":"A","name":"a"}],"services":[{"id":"s","name":"s","categories":["a"]}],"windows":[],"staff":[]}`))
	f.Add([]byte(`{"categories":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := queue.ParseHall(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		// A hall that loads must run: issue for every service.
		e, err := queue.NewEngine(h, new(queuetest.MemLog), queue.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		for _, s := range h.Services {
			if _, err := e.Issue(ctx, s.ID, false); err != nil {
				t.Fatalf("valid hall, Issue(%s): %v", s.ID, err)
			}
		}
		if _, err := json.Marshal(h); err != nil {
			t.Fatalf("valid hall does not marshal: %v", err)
		}
	})
}
