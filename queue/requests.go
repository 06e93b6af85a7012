package queue

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Requests from village stations (村代办点): a 代办员 signed in at the county
// files for a villager who cannot travel, and the request waits on the
// county's hub until the hall takes it as one command of its own. The
// outcome is an EvRequest event in the hall's log, which is how the county
// learns it (docs/county/protocol.md, Stream 3).

// EvRequest records a request taken from a village station: Request holds
// its id and the outcome (a booking's code or a case, or a refusal). A
// request that books or opens a case commits that event beside it.
const EvRequest = "request"

// Request kinds.
const (
	RequestAppointment = "appointment" // book a slot (预约)
	RequestProxy       = "proxy"       // file a 代办 case
)

// Request is a request as a village station sends it (the wire format of
// YIMEN_REQUESTS). It comes from beyond the hall: every field is checked.
type Request struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Station   string   `json:"station"`
	Agent     string   `json:"agent"`
	Service   string   `json:"service"`
	Name      string   `json:"name,omitempty"`
	Phone     string   `json:"phone,omitempty"`
	Day       string   `json:"day,omitempty"`
	Slot      string   `json:"slot,omitempty"`
	Documents []string `json:"documents,omitempty"`
	Note      string   `json:"note,omitempty"`
	At        string   `json:"at,omitempty"`
}

// RequestFields is what an EvRequest carries: the request and its outcome.
// Code is the appointment's code, or the 代办 case's number; Case is the
// case's ID. A refused request has Refused (a stable code, as the hall's
// own clerks would get it) and Reason (Chinese, for the 代办员).
type RequestFields struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Station string `json:"station,omitempty"`
	Agent   string `json:"agent,omitempty"`
	Service string `json:"service,omitempty"`
	Day     string `json:"day,omitempty"`
	Slot    string `json:"slot,omitempty"`
	Code    string `json:"code,omitempty"`
	Case    string `json:"case,omitempty"`
	Refused string `json:"refused,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Accepted reports whether the hall took the request (已受理).
func (r *RequestFields) Accepted() bool { return r.Refused == "" }

// TakenRequest is a request the hall has taken, kept by id so that a
// redelivery commits nothing new.
type TakenRequest struct {
	RequestFields
	At time.Time `json:"at"`
}

// CaseProxy marks a case filed by a village station for a villager.
type CaseProxy struct {
	Request string `json:"request"`
	Station string `json:"station"`
	Agent   string `json:"agent"`
}

// requestKeepDays is how long a taken request is remembered: far beyond
// the hub's 24-hour duplicate window and any redelivery, and as long as a
// case, so that the county's copy of the hall answers a 代办员 who looks
// at an old request (a busy hall takes a few thousand a year).
const requestKeepDays = 400

const maxStationText = 40 // runes of a station or agent name

var requestID = regexp.MustCompile(`^r-[A-Za-z0-9_-]{16,64}$`)

// ErrBadRequestID marks a request whose id cannot key it: it is dropped
// without an event (the county never sends one).
var ErrBadRequestID = errors.New("queue: request id")

// TakeRequest takes a village station's request: an appointment books
// through the hall's booking rules, a proxy opens a 代办 case. Either way
// one EvRequest commits with the outcome; a refusal is an outcome, not an
// error. A request whose id was taken already returns the first outcome
// and commits nothing. The error is for what did not commit (engine
// closed, log failed, ctx) or an id that cannot key a request.
func (e *Engine) TakeRequest(ctx context.Context, r Request) (RequestFields, error) {
	if !requestID.MatchString(r.ID) {
		return RequestFields{}, fmt.Errorf("%w: %q: want r- and 16 to 64 letters, digits, - or _", ErrBadRequestID, r.ID)
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (RequestFields, error) {
		if t := s.Requests[r.ID]; t != nil {
			return t.RequestFields, nil
		}
		out := RequestFields{ID: r.ID, Kind: r.Kind, Station: r.Station, Agent: r.Agent, Service: r.Service}
		err := s.takeRequest(emit, e.now(), r, &out)
		var qe *Error
		switch {
		case errors.As(err, &qe):
			out.Refused, out.Reason = qe.Code, qe.Message
			out.Code, out.Case, out.Day, out.Slot = "", "", "", ""
		case err != nil:
			return RequestFields{}, err
		}
		emit(Event{Type: EvRequest, Request: &out})
		return out, nil
	})
}

// takeRequest checks a request and emits what it does, filling the
// outcome in.
func (s *State) takeRequest(emit func(Event), now time.Time, r Request, out *RequestFields) error {
	station, agent := strings.TrimSpace(r.Station), strings.TrimSpace(r.Agent)
	switch {
	case station == "" || agent == "":
		return errorf(Invalid, "missing_station", "请求须写明代办点和代办员")
	case utf8.RuneCountInString(station) > maxStationText || utf8.RuneCountInString(agent) > maxStationText:
		return errorf(Invalid, "station_too_long", "代办点、代办员最多 %d 个字", maxStationText)
	}
	out.Station, out.Agent = station, agent
	switch r.Kind {
	case RequestAppointment:
		name, phone, slot, err := checkBooking(r.Name, r.Phone, r.Slot)
		if err != nil {
			return err
		}
		a, err := s.book(emit, now, "代办:"+station+"/"+agent, r.Service, r.Day, slot, name, phone)
		if err != nil {
			return err
		}
		out.Code, out.Day, out.Slot = a.Code, a.Day, a.Slot
		return nil
	case RequestProxy:
		in := CaseIntake{Name: r.Name, Phone: r.Phone, Documents: r.Documents, Note: r.Note}
		if err := in.check(); err != nil {
			return err
		}
		svc, ok := s.hall.Service(r.Service)
		if !ok {
			return errorf(NotFound, "unknown_service", "没有这个事项：%q", r.Service)
		}
		ev := s.openProxyCase(now, svc, in, CaseProxy{Request: r.ID, Station: station, Agent: agent})
		emit(ev)
		out.Code, out.Case = ev.Number, ev.Ticket
		return nil
	}
	return errorf(Invalid, "unknown_kind", "没有这种请求：%q", r.Kind)
}

// openProxyCase makes the event that opens a 代办 case. It has no ticket:
// its ID is the request's, its number counts the day's 代办 cases, and it
// has no 首问责任人 until the manager gives it to a clerk (the manager's
// case list shows it).
func (s *State) openProxyCase(now time.Time, svc *Service, in CaseIntake, p CaseProxy) Event {
	days := defaultPromiseDays
	if svc.PromiseDays > 0 {
		days = svc.PromiseDays
	}
	today := s.localDate(now)
	n := 1
	for _, c := range s.Cases {
		if c.Proxy != nil && s.localDate(c.OpenedAt).Equal(today) {
			n++
		}
	}
	due := s.hall.Calendar().AddWorkingDays(today, days)
	return Event{
		Type: EvCaseOpened, Ticket: p.Request, Number: fmt.Sprintf("代办%03d", n),
		Service: svc.ID, Category: svc.Categories[0], Token: newToken(), Note: in.Note,
		Case: &CaseFields{
			Name: in.Name, Phone: in.Phone, Documents: in.Documents, Days: days,
			Due: due.Format(time.DateOnly), Proxy: &p,
		},
	}
}

// applyRequest remembers a taken request, and forgets those older than
// requestKeepDays.
func (s *State) applyRequest(e Event) {
	if e.Request == nil {
		return
	}
	if s.Requests == nil {
		s.Requests = map[string]*TakenRequest{}
	}
	limit := e.At.AddDate(0, 0, -requestKeepDays)
	for id, t := range s.Requests {
		if t.At.Before(limit) {
			delete(s.Requests, id)
		}
	}
	s.Requests[e.Request.ID] = &TakenRequest{RequestFields: *e.Request, At: e.At}
}
