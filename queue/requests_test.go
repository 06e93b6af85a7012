package queue_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// stationRequest is a request from 李家村's station, as the county sends it.
func stationRequest(id, kind string) queue.Request {
	return queue.Request{
		ID: "r-" + id + strings.Repeat("x", 16), Kind: kind, Station: "李家村代办点", Agent: "李梅",
		Service: "pension", Name: "王大爷", Phone: "13900001234",
	}
}

// requestEvents are the log's EvRequest events.
func requestEvents(f *fixture) []queue.Event {
	var out []queue.Event
	for _, ev := range f.log.Events() {
		if ev.Type == queue.EvRequest {
			out = append(out, ev)
		}
	}
	return out
}

func TestRequestOutcomes(t *testing.T) {
	f := newFixture(t, bookingHall(`{"weekdays": [6, 1], "slot_minutes": 30, "capacity": 1, "days_ahead": 7}`, ""))
	f.at("09:00")
	f.book("2026-11-23", "10:00") // a clerk filled this slot already
	tests := []struct {
		name   string
		edit   func(r *queue.Request)
		kind   string
		refuse string // the refusal code, or "" when taken
		reason string // part of the reason the 代办员 reads
	}{
		{"books a slot", func(r *queue.Request) { r.Day, r.Slot = "2026-11-23", "09:30" }, queue.RequestAppointment, "", ""},
		{"slot taken by the hall's clerk", func(r *queue.Request) { r.Day, r.Slot = "2026-11-23", "10:00" }, queue.RequestAppointment, "slot_full", "最近可约：2026-11-21 09:30"},
		{"a day the service does not book", func(r *queue.Request) { r.Day, r.Slot = "2026-11-24", "10:00" }, queue.RequestAppointment, "closed_day", "不办理养老保险预约"},
		{"too far ahead", func(r *queue.Request) { r.Day, r.Slot = "2026-11-30", "10:00" }, queue.RequestAppointment, "too_far", "7 天内"},
		{"not bookable", func(r *queue.Request) { r.Service, r.Day, r.Slot = "birth", "2026-11-23", "10:00" }, queue.RequestAppointment, "not_bookable", "不接受预约"},
		{"unknown service", func(r *queue.Request) { r.Service, r.Day, r.Slot = "nope", "2026-11-23", "10:00" }, queue.RequestAppointment, "unknown_service", "没有这个事项"},
		{"bad phone", func(r *queue.Request) { r.Phone, r.Day, r.Slot = "139-0000", "2026-11-23", "11:00" }, queue.RequestAppointment, "bad_phone", "电话"},
		{"no slot", func(r *queue.Request) { r.Day = "2026-11-23" }, queue.RequestAppointment, "bad_slot", "09:30"},
		{"no agent", func(r *queue.Request) { r.Agent, r.Day, r.Slot = " ", "2026-11-23", "11:00" }, queue.RequestAppointment, "missing_station", "代办员"},
		{"files a 代办 case", func(r *queue.Request) { r.Documents = []string{"身份证复印件", " ", "户口本"} }, queue.RequestProxy, "", ""},
		{"代办 of an unknown service", func(r *queue.Request) { r.Service = "nope" }, queue.RequestProxy, "unknown_service", "没有这个事项"},
		{"代办 with too many documents", func(r *queue.Request) { r.Documents = make([]string, 21) }, queue.RequestProxy, "too_many_documents", "材料最多"},
		{"unknown kind", func(r *queue.Request) {}, "delete", "unknown_kind", "没有这种请求"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := stationRequest(string(rune('a'+i)), tt.kind)
			tt.edit(&r)
			before := len(requestEvents(f))
			out, err := f.e.TakeRequest(ctx, r)
			if err != nil {
				t.Fatalf("TakeRequest: %v", err)
			}
			if out.Refused != tt.refuse || !strings.Contains(out.Reason, tt.reason) {
				t.Fatalf("outcome %+v, want refusal %q with %q", out, tt.refuse, tt.reason)
			}
			evs := requestEvents(f)
			if len(evs) != before+1 || *evs[len(evs)-1].Request != out {
				t.Fatalf("committed %d request events, last %+v; want one with %+v", len(evs)-before, evs[len(evs)-1].Request, out)
			}
			if tt.refuse != "" {
				if out.Code != "" || out.Case != "" {
					t.Errorf("a refused request has code %q case %q", out.Code, out.Case)
				}
				return
			}
			var appt *queue.Appointment
			var c *queue.Case
			f.e.Read(func(s *queue.State) {
				if a := s.Appointments[out.Code]; a != nil {
					cp := *a
					appt = &cp
				}
				if k := s.Cases[out.Case]; k != nil {
					cp := *k
					c = &cp
				}
			})
			switch tt.kind {
			case queue.RequestAppointment:
				if appt == nil || appt.Day != r.Day || appt.Slot != r.Slot || appt.Name != "王大爷" || !strings.Contains(appt.By, "李家村代办点") {
					t.Errorf("booking %+v for outcome %+v", appt, out)
				}
			case queue.RequestProxy:
				want := queue.CaseProxy{Request: r.ID, Station: "李家村代办点", Agent: "李梅"}
				if c == nil || c.Proxy == nil || *c.Proxy != want || c.Number != "代办001" || out.Code != c.Number ||
					!slices.Equal(c.Documents, []string{"身份证复印件", "户口本"}) || c.State != queue.CaseAccepted ||
					c.Name != "王大爷" || c.Due != "2026-11-27" || c.Responsible != "" {
					t.Errorf("case %+v for outcome %+v", c, out)
				}
			}
		})
	}
}

func TestRequestTakenOnce(t *testing.T) {
	f := newFixture(t, bookingHall(`{"weekdays": [6, 1], "slot_minutes": 30, "capacity": 2, "days_ahead": 7}`, ""))
	f.at("09:00")
	appt := stationRequest("once", queue.RequestAppointment)
	appt.Day, appt.Slot = "2026-11-23", "09:30"
	proxy := stationRequest("proxy", queue.RequestProxy)
	first, err := f.e.TakeRequest(ctx, appt)
	if err != nil {
		t.Fatal(err)
	}
	firstCase, err := f.e.TakeRequest(ctx, proxy)
	if err != nil {
		t.Fatal(err)
	}
	events := len(f.log.Events())
	// A redelivery (the hall crashed before its ack): the same outcome,
	// nothing new in the log; also after a restart from the log, and
	// after one from a snapshot.
	for _, how := range []string{"again", "after restart", "after snapshot"} {
		switch how {
		case "after restart":
			f.restart()
		case "after snapshot":
			f.clock.Add(time.Minute)
			f.issue("pension", false) // something to snapshot past
			events = len(f.log.Events())
			f.e.Close() // saves a snapshot
			f.start()
		}
		for _, r := range []struct {
			req  queue.Request
			want queue.RequestFields
		}{{appt, first}, {proxy, firstCase}} {
			got, err := f.e.TakeRequest(ctx, r.req)
			if err != nil || got != r.want {
				t.Errorf("%s: TakeRequest(%s) = %+v, %v; want %+v", how, r.req.ID, got, err, r.want)
			}
		}
		if n := len(f.log.Events()); n != events {
			t.Errorf("%s: the redelivery committed %d events", how, n-events)
		}
	}
	var booked, cases int
	f.e.Read(func(s *queue.State) {
		booked = len(s.AppointmentsOn("2026-11-23"))
		cases = len(s.Cases)
	})
	if booked != 1 || cases != 1 {
		t.Errorf("%d appointments and %d cases, want one of each", booked, cases)
	}
	// An id that cannot key a request is refused before the engine.
	bad := appt
	bad.ID = "r-short"
	if _, err := f.e.TakeRequest(ctx, bad); !errors.Is(err, queue.ErrBadRequestID) {
		t.Errorf("a short id: %v", err)
	}
}

func TestRequestsInLedger(t *testing.T) {
	f := newFixture(t, bookingHall(`{"weekdays": [6, 1], "slot_minutes": 30, "capacity": 1, "days_ahead": 7}`, ""))
	f.at("09:00")
	for i, slot := range []string{"09:30", "09:30", "10:00"} { // the second finds the slot full
		r := stationRequest(string(rune('a'+i)), queue.RequestAppointment)
		r.Day, r.Slot = "2026-11-21", slot
		if _, err := f.e.TakeRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.e.TakeRequest(ctx, stationRequest("d", queue.RequestProxy)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.TakeRequest(ctx, stationRequest("d", queue.RequestProxy)); err != nil { // redelivered
		t.Fatal(err)
	}
	day := f.clock.Now()
	r, err := f.e.Report(day, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 3 || r.Refused != 1 {
		t.Errorf("ledger counts %d requests taken and %d refused, want 3 and 1", r.Requests, r.Refused)
	}
	// The next day, the closed day's summary still counts them.
	f.clock.Add(24 * time.Hour)
	f.issue("pension", false)
	r, err = f.e.Report(day, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 3 || r.Refused != 1 {
		t.Errorf("closed day: ledger counts %d and %d, want 3 and 1", r.Requests, r.Refused)
	}
}
