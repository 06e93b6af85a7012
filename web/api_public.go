package web

import (
	"io"
	"net"
	"net/http"
	"time"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/kiosk"
	"github.com/yimen-hall/yimen/queue"
)

func (s *Server) getHall(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, s.engine.Hall().Published())
}

// ticketJSON is a ticket as the API shows it.
type ticketJSON struct {
	ID           string `json:"id"`
	Number       string `json:"number"`
	Category     string `json:"category"`
	CategoryName string `json:"category_name"`
	Service      string `json:"service"`
	ServiceName  string `json:"service_name"`
	Priority     bool   `json:"priority"`
	// Appointment is true for a ticket checked in for a booking (预约),
	// Slot its time.
	Appointment  bool   `json:"appointment,omitempty"`
	Slot         string `json:"slot,omitempty"`
	PriorityKind string `json:"priority_kind,omitempty"`
	PriorityName string `json:"priority_name,omitempty"`
	Status       string `json:"status"`
	Ahead        int    `json:"ahead"`
	// WaitMinutes is null, and NoWindow true, while the ticket waits in a
	// line that no open window serves.
	WaitMinutes *int `json:"wait_minutes"`
	NoWindow    bool `json:"no_window,omitempty"`
	// From is the line a transferred ticket came from.
	From       string `json:"transferred_from,omitempty"`
	FromName   string `json:"transferred_from_name,omitempty"`
	Window     string `json:"window,omitempty"`
	WindowName string `json:"window_name,omitempty"`
	Outcome    string `json:"outcome,omitempty"`
	Printed    bool   `json:"printed"`
	Carried    bool   `json:"carried,omitempty"` // 延续号, carried over from the day before
	IssuedAt   string `json:"issued_at"`
	CalledAt   string `json:"called_at,omitempty"`
	// Bring is what the service needs the villager to bring (一次性告知).
	Bring []string `json:"bring,omitempty"`
	// Case is the 承诺件 the ticket opened (api_cases.go).
	Case *caseJSON `json:"case,omitempty"`
}

func ticketView(h *queue.Hall, t *queue.Ticket, ahead int, wait time.Duration) ticketJSON {
	return ticketViewOf(h, t, ahead, wait, false)
}

// ticketOf shows a ticket as the state has it now: its place, its wait,
// or that no open window serves its line.
func ticketOf(st *queue.State, t *queue.Ticket) ticketJSON {
	return ticketViewOf(st.Hall(), t, st.Ahead(t), st.EstimatedWait(t), t.Waiting() && st.OpenWindows(t.Category) == 0)
}

func ticketViewOf(h *queue.Hall, t *queue.Ticket, ahead int, wait time.Duration, noWindow bool) ticketJSON {
	v := ticketJSON{
		ID: t.ID, Number: t.Number, Category: t.Category, Service: t.Service,
		Priority: t.Priority, Status: t.Status(), Ahead: ahead,
		Appointment: t.Appointment() != "", Slot: t.Slot(),
		Window: t.Window(), Outcome: t.Outcome(), Printed: t.Printed, Carried: t.Carried,
		IssuedAt: t.IssuedAt().In(h.Location()).Format(time.DateTime),
	}
	v.WaitMinutes, v.NoWindow = display.WaitMinutes(wait, noWindow)
	if t.Priority {
		v.PriorityKind, v.PriorityName = t.Kind(), queue.PriorityNames[t.Kind()]
	}
	if n := len(t.Transfers()); n > 0 {
		v.From = t.Transfers()[n-1]
		if c, ok := h.Category(v.From); ok {
			v.FromName = c.Name
		}
	}
	if !t.CalledAt().IsZero() {
		v.CalledAt = t.CalledAt().In(h.Location()).Format(time.DateTime)
	}
	if c, ok := h.Category(t.Category); ok {
		v.CategoryName = c.Name
	}
	if sv, ok := h.Service(t.Service); ok {
		v.ServiceName, v.Bring = sv.Name, sv.Bring
	}
	if wn, ok := h.Window(t.Window()); ok {
		v.WindowName = wn.Name
	}
	return v
}

// statusURL is the ticket page address for the QR code: the configured
// public address, else the address the connection came in on. Never the
// Host header, which the client writes.
func (s *Server) statusURL(r *http.Request) func(token string) string {
	base := s.publicBase(r)
	return func(token string) string { return base + "/t/" + token }
}

// publicBase is the address phones reach this daemon at, for the QR codes.
func (s *Server) publicBase(r *http.Request) string {
	base := s.publicURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		host := "localhost"
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			host = a.String()
		}
		base = scheme + "://" + host
	}
	return base
}

// getHealthz says ok while the daemon can do its work: not when the event
// log can no longer be written (nothing could be issued or called).
func (s *Server) getHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.engine.Failed() != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "not ok: the event log cannot be written\n")
		return
	}
	io.WriteString(w, "ok\n")
}

// issueAllowed lets a paired kiosk take numbers at the kiosk rate, and,
// when the hall allows it, a phone without a kiosk at the phone rate. It
// answers the refusal itself.
func (s *Server) issueAllowed(w http.ResponseWriter, r *http.Request) bool {
	if k, ok := s.kiosks.Of(r); ok && k.Is(RoleKiosk) {
		if s.issue != nil && !s.issue.allow("kiosk:"+k.ID) {
			w.Header().Set("Retry-After", "10")
			failWith(w, http.StatusTooManyRequests, "rate_limited", "取号过于频繁，请稍后再试")
			return false
		}
		return true
	}
	if s.phones == nil {
		failWith(w, http.StatusUnauthorized, "kiosk_not_paired", "只有大厅的取号机可以取号（本机未配对，请管理员在管理页面批准）")
		return false
	}
	if !s.phones.allow("phone:" + remoteHost(r)) {
		w.Header().Set("Retry-After", "600")
		failWith(w, http.StatusTooManyRequests, "rate_limited", "本手机取号次数已达上限，请到取号机取号")
		return false
	}
	return true
}

func (s *Server) postTicket(w http.ResponseWriter, r *http.Request) {
	if !s.issueAllowed(w, r) {
		return
	}
	var req struct {
		Service  string `json:"service"`
		Priority bool   `json:"priority"`
		// Kind is which priority button was pressed: elder (老弱病残孕)
		// or green (绿色通道). It implies priority.
		Kind string `json:"priority_kind"`
		// Appointment is a booking code (预约取号) instead of a service.
		Appointment string `json:"appointment"`
		// PhoneLast4 with Slot (and Service) checks in the booking the
		// villager picked from POST /api/kiosk/bookings-by-phone.
		PhoneLast4 string `json:"phone_last4"`
		Slot       string `json:"slot"`
	}
	if !decode(w, r, &req) {
		return
	}
	switch {
	case req.Appointment != "":
		s.checkIn(w, r, func(url func(string) string) (kiosk.Result, error) {
			return s.kiosk.CheckIn(r.Context(), req.Appointment, url)
		})
		return
	case req.PhoneLast4 != "":
		// Counted with the lookups: trying digits and slots here must
		// not get round their limit.
		if !s.pairedKiosk(w, r, s.phoneLookups) {
			return
		}
		s.checkIn(w, r, func(url func(string) string) (kiosk.Result, error) {
			return s.kiosk.CheckInByPhone(r.Context(), req.PhoneLast4, req.Service, req.Slot, url)
		})
		return
	}
	if req.Service == "" {
		failWith(w, http.StatusBadRequest, "missing_service", "请选择要办理的事项")
		return
	}
	kind := req.Kind
	if kind == "" && req.Priority {
		kind = queue.PriorityAny
	}
	url := s.statusURL(r)
	res, err := s.kiosk.IssueKind(r.Context(), req.Service, kind, url)
	if err != nil {
		if queue.ErrorKind(err) == queue.NotFound {
			// The contract: an unknown service is the kiosk's mistake.
			failWith(w, http.StatusBadRequest, "unknown_service", "没有这个事项")
			return
		}
		s.failIssue(w, r, err)
		return
	}
	s.writeIssued(w, res, url)
}

// writeIssued answers the kiosk with a new ticket: 201 and the ticket, its
// token and page address, and whether it printed.
func (s *Server) writeIssued(w http.ResponseWriter, res kiosk.Result, url func(string) string) {
	t := res.Ticket
	t.Printed = res.Printed
	v := ticketViewOf(s.engine.Hall(), &t, res.Ahead, res.Wait, res.NoWindow)
	WriteJSON(w, http.StatusCreated, struct {
		ticketJSON
		Token      string `json:"token"`
		StatusURL  string `json:"status_url"`
		PrintError string `json:"print_error,omitempty"`
	}{v, t.Token(), url(t.Token()), res.PrintError})
}

func (s *Server) getTicket(w http.ResponseWriter, r *http.Request) {
	var (
		v     ticketJSON
		found bool
	)
	s.engine.Read(func(st *queue.State) {
		// A 承诺件's ticket answers on later days too, with its case.
		v, found = ticketOrCase(st, r.PathValue("token"), s.now())
	})
	if !found {
		failWith(w, http.StatusNotFound, "unknown_ticket", "号票不存在或已过期（号票当日有效）")
		return
	}
	WriteJSON(w, http.StatusOK, v)
}
