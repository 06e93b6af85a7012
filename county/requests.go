package county

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/web"
)

// Village stations (村代办点): a 代办员 signed in here files a request for a
// villager at a township hall. The request goes to the hub's work queue
// YIMEN_REQUESTS and waits there for its hall; its state comes from the
// hall's own `request` event, folded into the county's copy of the hall
// like every other event (docs/county/protocol.md, Stream 3).

// bucketRequests holds the requests filed here: filed-at key → filed.
var bucketRequests = []byte("requests")

// filed is a request as the county keeps it: what was sent, by whom, and
// the outcome once the hall's event has said it (kept here too, because
// the hall's state forgets taken requests after 400 days).
type filed struct {
	Request queue.Request        `json:"request"`
	Hall    string               `json:"hall"`
	User    string               `json:"user"`
	FiledAt time.Time            `json:"filed_at"`
	Outcome *queue.RequestFields `json:"outcome,omitempty"`
}

// requestKey orders the bucket by filing time, newest last.
func requestKey(f *filed) []byte {
	return []byte(f.FiledAt.UTC().Format("20060102T150405.000000000") + "/" + f.Request.ID)
}

// Request states as the pages show them.
const (
	reqWaiting  = "waiting"  // 待乡镇受理
	reqAccepted = "accepted" // 已受理
	reqRefused  = "refused"  // 未受理
)

var reqStateNames = map[string]string{reqWaiting: "待乡镇受理", reqAccepted: "已受理", reqRefused: "未受理"}

// RequestView is a filed request as the API shows it (docs/county/api.md).
type RequestView struct {
	ID          string   `json:"id"`
	Hall        string   `json:"hall"`
	HallName    string   `json:"hall_name"`
	Kind        string   `json:"kind"`
	Service     string   `json:"service"`
	ServiceName string   `json:"service_name"`
	Name        string   `json:"name,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Day         string   `json:"day,omitempty"`
	Slot        string   `json:"slot,omitempty"`
	Documents   []string `json:"documents,omitempty"`
	Note        string   `json:"note,omitempty"`
	Station     string   `json:"station"`
	Agent       string   `json:"agent"`
	User        string   `json:"user"`
	FiledAt     string   `json:"filed_at"`
	State       string   `json:"state"`
	StateName   string   `json:"state_name"`
	Code        string   `json:"code,omitempty"`
	Case        string   `json:"case,omitempty"`
	Refused     string   `json:"refused,omitempty"`
	Reason      string   `json:"reason,omitempty"`
}

// requests files requests on the hub.
type requests struct {
	mu     sync.Mutex
	stream bool // YIMEN_REQUESTS is known to exist
}

// ensureRequestsStream makes the hub's work queue once; a failure is tried again
// at the next filing.
func (s *Service) ensureRequestsStream(ctx context.Context) error {
	s.reqs.mu.Lock()
	defer s.reqs.mu.Unlock()
	if s.reqs.stream {
		return nil
	}
	if _, err := s.js.CreateOrUpdateStream(ctx, federation.RequestsStreamConfig()); err != nil {
		return fmt.Errorf("county: stream %s: %w", federation.RequestsStream, err)
	}
	s.reqs.stream = true
	return nil
}

// startRequests makes the work queue at start, so that halls find it at
// once; a hub not there yet gets it at the first filing.
func (s *Service) startRequests() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.ensureRequestsStream(ctx); err != nil {
		s.cfg.Logger.Warn("county: requests stream not made yet", "err", err)
	}
}

// fileIn is a request as the 代办员's page posts it.
type fileIn struct {
	Hall      string   `json:"hall"`
	Kind      string   `json:"kind"`
	Service   string   `json:"service"`
	Name      string   `json:"name"`
	Phone     string   `json:"phone"`
	Day       string   `json:"day"`
	Slot      string   `json:"slot"`
	Documents []string `json:"documents"`
	Note      string   `json:"note"`
}

var (
	reqDay   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reqSlot  = regexp.MustCompile(`^\d{2}:\d{2}$`)
	reqPhone = regexp.MustCompile(`^[0-9]{0,15}$`)
)

// check refuses what no hall would take; the hall decides the rest (a
// slot full by now, a day closed) with its own rules.
func (in *fileIn) check() string {
	in.Name, in.Phone, in.Note = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Note)
	docs := in.Documents[:0:0]
	for _, d := range in.Documents {
		if d = strings.TrimSpace(d); d != "" {
			docs = append(docs, d)
		}
	}
	in.Documents = docs
	switch {
	case in.Kind != queue.RequestAppointment && in.Kind != queue.RequestProxy:
		return "请选择预约或代办"
	case in.Service == "":
		return "请选择事项"
	case in.Name == "":
		return "请填写群众姓名"
	case utf8.RuneCountInString(in.Name) > 20:
		return "姓名最多 20 个字"
	case !reqPhone.MatchString(in.Phone):
		return "电话只写数字（最多 15 位）"
	case utf8.RuneCountInString(in.Note) > 40:
		return "备注最多 40 个字"
	case len(in.Documents) > 20:
		return "材料最多 20 项"
	}
	for _, d := range in.Documents {
		if utf8.RuneCountInString(d) > 40 {
			return "材料名称最多 40 个字"
		}
	}
	if in.Kind == queue.RequestAppointment {
		switch {
		case !reqDay.MatchString(in.Day):
			return "请选择预约日期"
		case !reqSlot.MatchString(in.Slot):
			return "请选择预约时段"
		}
		in.Documents, in.Note = nil, ""
	} else {
		in.Day, in.Slot = "", ""
	}
	return ""
}

// newRequestID draws a request id: r- and 22 random characters.
func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "r-" + base64.RawURLEncoding.EncodeToString(b)
}

// station is who files for the account: its village station, or the
// county office for an account without one.
func station(a *Account) string {
	if a.Station != "" {
		return a.Station
	}
	return "县便民服务中心"
}

func (s *Service) apiFileRequest(w http.ResponseWriter, r *http.Request) {
	acct := accountOf(r)
	var in fileIn
	if err := readJSON(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "请求有误")
		return
	}
	if msg := in.check(); msg != "" {
		writeError(w, http.StatusBadRequest, "bad_request", msg)
		return
	}
	s.fold.mu.RLock()
	h := s.fold.halls[in.Hall]
	known := h != nil
	if known {
		_, known = h.st.Hall().Service(in.Service)
	}
	s.fold.mu.RUnlock()
	if !known {
		writeError(w, http.StatusNotFound, "unknown_service", "没有这个乡镇或事项")
		return
	}
	f := &filed{
		Request: queue.Request{
			ID: newRequestID(), Kind: in.Kind, Station: station(acct), Agent: acct.Name,
			Service: in.Service, Name: in.Name, Phone: in.Phone, Day: in.Day, Slot: in.Slot,
			Documents: in.Documents, Note: in.Note,
		},
		Hall: in.Hall, User: acct.User, FiledAt: s.cfg.Now(),
	}
	f.Request.At = f.FiledAt.Format(time.RFC3339)
	data, err := json.Marshal(f.Request)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "encode", "请求无法编码")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	if err := s.ensureRequestsStream(ctx); err != nil {
		s.cfg.Logger.Warn("county: requests stream", "err", err)
		writeError(w, http.StatusServiceUnavailable, "hub_unavailable", "县级枢纽暂时连不上，请稍后再试")
		return
	}
	// On the hub before it is on the list: a request the list shows has
	// reached the work queue. The id is the message id, so a retry within
	// the day is stored once.
	if _, err := s.js.Publish(ctx, federation.RequestsSubject(in.Hall), data, jetstream.WithMsgID(f.Request.ID)); err != nil {
		s.cfg.Logger.Warn("county: file request", "hall", in.Hall, "err", err)
		writeError(w, http.StatusServiceUnavailable, "hub_unavailable", "县级枢纽暂时连不上，请稍后再试")
		return
	}
	err = s.store.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRequests).Put(requestKey(f), mustJSON(f))
	})
	if err != nil {
		s.cfg.Logger.Error("county: request filed but not listed", "id", f.Request.ID, "err", err)
		writeError(w, http.StatusServiceUnavailable, "store", "请求已送出，但未能记入本机列表")
		return
	}
	s.cfg.Logger.Info("county: request filed", "id", f.Request.ID, "hall", in.Hall, "kind", in.Kind, "user", acct.User)
	web.WriteJSON(w, http.StatusCreated, s.requestViews([]*filed{f})[0])
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs always encode
	}
	return data
}

// maxListed bounds the requests a list shows, newest first.
const maxListed = 200

func (s *Service) apiRequests(w http.ResponseWriter, r *http.Request) {
	acct := accountOf(r)
	var list []*filed
	var learned []*filed
	err := s.store.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRequests).Cursor()
		for k, v := c.Last(); k != nil && len(list) < maxListed; k, v = c.Prev() {
			f := new(filed)
			if err := json.Unmarshal(v, f); err != nil {
				return fmt.Errorf("county: request %s: %w", k, err)
			}
			// A 代办员 sees the requests of their station; the county
			// office sees all.
			if acct.Role == RoleAgent && f.Request.Station != station(acct) {
				continue
			}
			list = append(list, f)
		}
		return nil
	})
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store", "读取请求失败")
		return
	}
	s.fold.mu.RLock()
	for _, f := range list {
		if f.Outcome != nil {
			continue
		}
		if h := s.fold.halls[f.Hall]; h != nil {
			if t := h.st.Requests[f.Request.ID]; t != nil {
				out := t.RequestFields
				f.Outcome = &out
				learned = append(learned, f)
			}
		}
	}
	s.fold.mu.RUnlock()
	if len(learned) > 0 {
		// Keep the outcome: the hall's state forgets it after 400 days.
		err := s.store.db.Update(func(tx *bolt.Tx) error {
			for _, f := range learned {
				if err := tx.Bucket(bucketRequests).Put(requestKey(f), mustJSON(f)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			s.cfg.Logger.Warn("county: request outcomes not kept", "err", err)
		}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"requests": s.requestViews(list)})
}

// requestViews shows filed requests with the names from the county's
// copy of each hall.
func (s *Service) requestViews(list []*filed) []RequestView {
	s.fold.mu.RLock()
	defer s.fold.mu.RUnlock()
	out := make([]RequestView, 0, len(list))
	for _, f := range list {
		q := f.Request
		v := RequestView{
			ID: q.ID, Hall: f.Hall, HallName: f.Hall, Kind: q.Kind, Service: q.Service, ServiceName: q.Service,
			Name: q.Name, Phone: q.Phone, Day: q.Day, Slot: q.Slot, Documents: q.Documents, Note: q.Note,
			Station: q.Station, Agent: q.Agent, User: f.User,
			FiledAt: f.FiledAt.Format(time.DateTime), State: reqWaiting,
		}
		if h := s.fold.halls[f.Hall]; h != nil {
			v.HallName = h.name()
			v.FiledAt = f.FiledAt.In(h.st.Hall().Location()).Format(time.DateTime)
			if sv, ok := h.st.Hall().Service(q.Service); ok {
				v.ServiceName = sv.Name
			}
		}
		if o := f.Outcome; o != nil {
			v.State, v.Code, v.Case, v.Refused, v.Reason = reqAccepted, o.Code, o.Case, o.Refused, o.Reason
			if !o.Accepted() {
				v.State = reqRefused
			}
			if o.Day != "" {
				v.Day, v.Slot = o.Day, o.Slot
			}
		}
		v.StateName = reqStateNames[v.State]
		out = append(out, v)
	}
	return out
}

// requestHall is a hall the form offers, with its services.
type requestHall struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Online   bool             `json:"online"`
	Today    string           `json:"today"` // the hall's date now: bookings start there
	Services []requestService `json:"services"`
}

type requestService struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Bookable  bool     `json:"bookable"`
	DaysAhead int      `json:"days_ahead,omitempty"`
	Bring     []string `json:"bring"`
}

// apiRequestHalls lists the halls a request may go to, from the county's
// copy of each: the township halls (not service buses) whose
// configuration the county has.
func (s *Service) apiRequestHalls(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Now()
	s.fold.mu.RLock()
	out := []requestHall{}
	for _, h := range s.fold.halls {
		cfg := h.st.Hall()
		if len(cfg.Services) == 0 || cfg.Parent != "" {
			continue
		}
		rh := requestHall{
			ID: h.rec.ID, Name: h.name(), Online: now.Sub(h.rec.LastSeen) < offlineAfter,
			Today: now.In(cfg.Location()).Format(time.DateOnly), Services: []requestService{},
		}
		for _, sv := range cfg.Services {
			rs := requestService{ID: sv.ID, Name: sv.Name, Bookable: sv.Booking != nil, Bring: append([]string{}, sv.Bring...)}
			if sv.Booking != nil {
				rs.DaysAhead = cmpDays(sv.Booking.DaysAhead)
			}
			rh.Services = append(rh.Services, rs)
		}
		out = append(out, rh)
	}
	s.fold.mu.RUnlock()
	slices.SortFunc(out, func(a, b requestHall) int { return strings.Compare(a.ID, b.ID) })
	web.WriteJSON(w, http.StatusOK, map[string]any{"halls": out})
}

// cmpDays is a booking's days ahead, 7 when the hall file gives none.
func cmpDays(n int) int {
	if n <= 0 {
		return 7
	}
	return n
}

// apiRequestSlots lists a bookable service's slots of a day with the
// places left, from the county's copy of the hall: as fresh as the hall's
// last link (as_of), the hall deciding in the end.
func (s *Service) apiRequestSlots(w http.ResponseWriter, r *http.Request) {
	id, q := r.PathValue("id"), r.URL.Query()
	s.fold.mu.RLock()
	defer s.fold.mu.RUnlock()
	h := s.fold.halls[id]
	if h == nil {
		writeError(w, http.StatusNotFound, "unknown_hall", "没有这个乡镇")
		return
	}
	slots, err := h.st.FreeSlots(q.Get("service"), q.Get("day"), s.cfg.Now())
	if err != nil {
		var qe *queue.Error
		if errors.As(err, &qe) {
			writeError(w, http.StatusBadRequest, qe.Code, qe.Message)
			return
		}
		writeError(w, http.StatusBadRequest, "bad_request", "请求有误")
		return
	}
	asOf := ""
	if !h.st.Last.IsZero() {
		asOf = h.st.Last.In(h.st.Hall().Location()).Format(time.DateTime)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"hall": id, "service": q.Get("service"), "day": q.Get("day"), "slots": slots, "as_of": asOf})
}
