package web

import (
	"net/http"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// The 承诺件 API: a case rides on its ticket (GET /api/tickets/{token}),
// the responsible clerk and the manager move it, the manager lists them,
// and a villager who comes back gets a pick-up ticket at the kiosk.
func (s *Server) caseRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /api/pickup", s.postPickup)
	m.HandleFunc("GET /api/cases/mine", s.clerk(s.getMyCases))
	m.HandleFunc("GET /api/cases/{id}", s.signedIn(s.getCase))
	m.HandleFunc("POST /api/cases/{id}/{action}", s.signedIn(s.postCaseAction))
	m.HandleFunc("GET /api/admin/cases", s.admin(s.getAdminCases))
}

// caseJSON is a case as the API shows it. The villager's own page leaves
// out the name and phone (caseView with staff false).
type caseJSON struct {
	ID              string     `json:"id"`
	Number          string     `json:"number"`
	Service         string     `json:"service"`
	ServiceName     string     `json:"service_name"`
	State           string     `json:"state"`
	StateName       string     `json:"state_name"`
	Suspended       bool       `json:"suspended"`
	Reason          string     `json:"reason,omitempty"`
	Note            string     `json:"note,omitempty"`
	Responsible     string     `json:"responsible"`
	ResponsibleName string     `json:"responsible_name"`
	Window          string     `json:"window,omitempty"`
	WindowName      string     `json:"window_name,omitempty"`
	Name            string     `json:"name,omitempty"`
	Phone           string     `json:"phone,omitempty"`
	Documents       []string   `json:"documents"`
	PickupBring     []string   `json:"pickup_bring"`
	Days            int        `json:"days"`
	Due             string     `json:"due"`
	DaysLeft        int        `json:"days_left"`
	NearDue         bool       `json:"near_due"`
	Overdue         bool       `json:"overdue"`
	Late            bool       `json:"late"`
	Alarm           bool       `json:"alarm"`
	SuspendedDays   int        `json:"suspended_days"`
	OpenedAt        string     `json:"opened_at"`
	DoneAt          string     `json:"done_at,omitempty"`
	PickedUpAt      string     `json:"picked_up_at,omitempty"`
	ClosedAt        string     `json:"closed_at,omitempty"`
	Pickup          string     `json:"pickup,omitempty"` // number of today's pick-up ticket
	Steps           []stepJSON `json:"steps"`

	// Proxy is the village station and 代办员 that filed a 代办 case.
	Proxy *queue.CaseProxy `json:"proxy,omitempty"`
}

type stepJSON struct {
	At        string `json:"at"`
	Action    string `json:"action"`
	Name      string `json:"name"`
	Staff     string `json:"staff,omitempty"`
	StaffName string `json:"staff_name,omitempty"`
	Text      string `json:"text,omitempty"`
}

// stepNames says each case event in Chinese, for the history.
var stepNames = map[string]string{
	queue.EvCaseOpened:    "受理",
	queue.EvCaseForwarded: "转送办理",
	queue.EvCaseSuspended: "暂停（补正材料）",
	queue.EvCaseResumed:   "恢复办理",
	queue.EvCaseReady:     "办结，待取件",
	queue.EvCasePickedUp:  "已取件",
	queue.EvCaseClosed:    "结案",
}

// pickupBring is what every villager brings to take a finished job.
var pickupBring = []string{"身份证", "受理时的号票（或手机上的本页）"}

func caseView(st *queue.State, c *queue.Case, now time.Time, staff bool) *caseJSON {
	h := st.Hall()
	loc := h.Location()
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.DateTime)
	}
	staffName := func(id string) string {
		if m, ok := h.StaffMember(id); ok {
			return m.Name
		}
		return id
	}
	tm := st.Timing(c, now)
	v := &caseJSON{
		ID: c.ID, Number: c.Number, Service: c.Service, State: c.State, StateName: queue.CaseStateNames[c.State],
		Suspended: c.Suspended, Reason: c.Reason, Note: c.Note,
		Responsible: c.Responsible, ResponsibleName: staffName(c.Responsible), Window: c.Window,
		Documents: append([]string{}, c.Documents...), PickupBring: pickupBring,
		Days: c.Days, Due: tm.Due, DaysLeft: tm.DaysLeft, NearDue: tm.NearDue, Overdue: tm.Overdue, Late: tm.Late, Alarm: tm.Alarm,
		SuspendedDays: c.SuspendedDays,
		OpenedAt:      at(c.OpenedAt), DoneAt: at(c.DoneAt), PickedUpAt: at(c.PickedUpAt), ClosedAt: at(c.ClosedAt),
		Steps: []stepJSON{},
	}
	if staff {
		v.Name, v.Phone, v.Proxy = c.Name, c.Phone, c.Proxy
	}
	if sv, ok := h.Service(c.Service); ok {
		v.ServiceName = sv.Name
	}
	if w, ok := h.Window(c.Window); ok {
		v.WindowName = w.Name
	}
	if p := st.Tickets[c.Pickup]; p != nil && p.Open() {
		v.Pickup = p.Number
	}
	for _, sp := range c.Steps {
		v.Steps = append(v.Steps, stepJSON{
			At: at(sp.At), Action: sp.Action, Name: stepNames[sp.Action],
			Staff: sp.Staff, StaffName: staffName(sp.Staff), Text: sp.Text,
		})
	}
	return v
}

// ticketOrCase finds what a ticket page's token shows: today's ticket
// (with its case, if it opened one), or on a later day the case alone.
func ticketOrCase(st *queue.State, token string, now time.Time) (ticketJSON, bool) {
	if t, ok := st.TicketByToken(token); ok {
		v := ticketOf(st, t)
		if c := st.Cases[t.ID]; c != nil {
			v.Case = caseView(st, c, now, false)
		}
		return v, true
	}
	c, ok := st.CaseByToken(token)
	if !ok {
		return ticketJSON{}, false
	}
	h := st.Hall()
	v := ticketJSON{
		ID: c.ID, Number: c.Number, Category: c.Category, Service: c.Service, Status: queue.StatusDone,
		Outcome: queue.OutcomePromised, Window: c.Window, Printed: true,
		IssuedAt: c.OpenedAt.In(h.Location()).Format(time.DateTime),
		Case:     caseView(st, c, now, false),
	}
	if cat, ok := h.Category(c.Category); ok {
		v.CategoryName = cat.Name
	}
	v.ServiceName, v.WindowName = v.Case.ServiceName, v.Case.WindowName
	return v, true
}

func (s *Server) postPickup(w http.ResponseWriter, r *http.Request) {
	if !s.issueAllowed(w, r) {
		return
	}
	var req struct {
		Number string `json:"number"` // the old ticket's number, its token, or its page's address
	}
	if !decode(w, r, &req) {
		return
	}
	url := s.statusURL(r)
	res, err := s.kiosk.Pickup(r.Context(), req.Number, url)
	if err != nil {
		s.failIssue(w, r, err)
		return
	}
	s.writeIssued(w, res, url)
}

func (s *Server) getMyCases(w http.ResponseWriter, r *http.Request) {
	s.listCases(w, queue.CaseFilter{State: "open", Responsible: sessionOf(r).Staff})
}

func (s *Server) getAdminCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := queue.CaseFilter{State: q.Get("state"), Responsible: q.Get("responsible")}
	switch f.State {
	case "", "open", "overdue", "near_due", queue.CaseAccepted, queue.CaseProcessing, queue.CaseReady, queue.CasePickedUp, queue.CaseClosed:
	default:
		failWith(w, http.StatusBadRequest, "bad_state", "状态应为 open、overdue、near_due、accepted、processing、ready、picked_up 或 closed")
		return
	}
	for _, p := range []struct {
		key string
		to  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.key); v != "" {
			d, err := queue.ParseDate(v)
			if err != nil {
				failWith(w, http.StatusBadRequest, "bad_day", "日期应写成 2026-11-21")
				return
			}
			*p.to = d
		}
	}
	s.listCases(w, f)
}

// casesAnswer is a list of cases with how many need attention: Overdue
// counts those raising the alarm, NearDue the others due within a working
// day.
type casesAnswer struct {
	Cases   []*caseJSON `json:"cases"`
	NearDue int         `json:"near_due"`
	Overdue int         `json:"overdue"`
}

func (s *Server) listCases(w http.ResponseWriter, f queue.CaseFilter) {
	now := s.now()
	a := casesAnswer{Cases: []*caseJSON{}}
	s.hub.Read(func(st *queue.State) {
		for _, c := range st.ListCases(f, now) {
			v := caseView(st, c, now, true)
			a.Cases = append(a.Cases, v)
			if v.Alarm {
				a.Overdue++
			} else if v.NearDue {
				a.NearDue++
			}
		}
	})
	WriteJSON(w, http.StatusOK, a)
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	var v *caseJSON
	s.hub.Read(func(st *queue.State) {
		if c := st.Cases[r.PathValue("id")]; c != nil && (sess.Admin || c.Responsible == sess.Staff) {
			v = caseView(st, c, s.now(), true)
		}
	})
	if v == nil {
		failWith(w, http.StatusNotFound, "unknown_case", "没有这个承诺件，或不是您负责的")
		return
	}
	WriteJSON(w, http.StatusOK, v)
}

func (s *Server) postCaseAction(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	var req struct {
		Text string `json:"text"` // forward: where to; suspend: the reason; close: why, if early
	}
	if !decode(w, r, &req) {
		return
	}
	id := r.PathValue("id")
	_, err := s.engine.CaseAction(r.Context(), id, queue.Actor{Staff: sess.Staff, Admin: sess.Admin}, r.PathValue("action"), req.Text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v *caseJSON
	s.hub.Read(func(st *queue.State) {
		if c := st.Cases[id]; c != nil {
			v = caseView(st, c, s.now(), true)
		}
	})
	WriteJSON(w, http.StatusOK, v)
}
