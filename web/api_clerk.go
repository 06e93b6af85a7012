package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/queue"
)

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, sess *Session) {
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: sess.Token, Path: "/", Expires: sess.Expires,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

func (s *Server) loginAnswer(w http.ResponseWriter, r *http.Request, sess *Session, err error) {
	var te *ThrottleError
	switch {
	case errors.As(err, &te):
		secs := int((te.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		msg := fmt.Sprintf("这台设备密码错误次数过多，请 %s后再试", waitText(te.RetryAfter))
		if te.Paused {
			msg = "全大厅登录失败次数过多，暂停新设备登录。请在常用的窗口电脑上登录，或" + waitText(te.RetryAfter) + "后再试"
		}
		failWith(w, http.StatusTooManyRequests, "too_many_attempts", msg)
	case errors.Is(err, ErrBusy):
		w.Header().Set("Retry-After", "5")
		failWith(w, http.StatusServiceUnavailable, "busy", "登录的人太多，请稍后再试")
	case sess == nil:
		failWith(w, http.StatusUnauthorized, "bad_credentials", "编号或密码不正确")
	default:
		s.setSession(w, r, sess)
		WriteJSON(w, http.StatusOK, map[string]any{"token": sess.Token, "staff": sess.Staff, "admin": sess.Admin})
	}
}

// waitText says a wait in words a clerk reads at a glance.
func waitText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d 秒", int((d+time.Second-1)/time.Second))
	default:
		return fmt.Sprintf("%d 分钟", int((d+time.Minute-1)/time.Minute))
	}
}

func (s *Server) postLogin(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Staff string `json:"staff"`
		PIN   string `json:"pin"`
	}
	if !decode(w, r, &req) {
		return
	}
	sess, err := s.auth.LoginStaff(SourceOf(r), req.Staff, req.PIN)
	s.loginAnswer(w, r, sess, err)
}

func (s *Server) postAdminLogin(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Password string `json:"password"`
	}
	if !decode(w, r, &req) {
		return
	}
	sess, err := s.auth.LoginAdmin(SourceOf(r), req.Password)
	s.loginAnswer(w, r, sess, err)
}

func (s *Server) postLogout(w http.ResponseWriter, r *http.Request) {
	if sess := s.auth.Session(r); sess != nil {
		s.auth.Logout(sess.Token)
		if sess.Staff != "" {
			// Signing out leaves the window: its called ticket goes back
			// to its line and the board shows the clerk as 未到岗.
			if err := s.engine.SignOut(r.Context(), sess.Staff); err != nil {
				s.logger.Warn("sign-out not recorded", "staff", sess.Staff, "err", err)
			}
		}
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	h := s.engine.Hall()
	m, _ := h.StaffMember(sess.Staff)
	var v display.StaffView
	s.hub.Read(func(st *queue.State) { v = display.StaffOf(st, m) })
	WriteJSON(w, http.StatusOK, map[string]any{"staff": v, "admin": sess.Admin})
}

// windowAnswer is a window's state as its clerk sees it.
type windowAnswer struct {
	Window display.WindowView  `json:"window"`
	Ticket *ticketJSON         `json:"ticket"`
	Queues []display.QueueView `json:"queues"`
	// Waiting lists the numbers waiting in the window's lines, in the
	// order the window would call them (at most maxWaitingShown).
	Waiting []waitingJSON `json:"waiting"`
	// Held lists the tickets parked at the window (挂起), oldest first.
	Held []waitingJSON `json:"held"`
}

type waitingJSON struct {
	Number       string `json:"number"`
	Category     string `json:"category"`
	Priority     bool   `json:"priority,omitempty"`
	PriorityName string `json:"priority_name,omitempty"`
	Transferred  bool   `json:"transferred,omitempty"`
	Appointment  bool   `json:"appointment,omitempty"` // 预约
}

const maxWaitingShown = 30

func waitingOf(t *queue.Ticket) waitingJSON {
	v := waitingJSON{Number: t.Number, Category: t.Category, Priority: t.Priority, Transferred: t.Status() == queue.StatusTransferred, Appointment: t.Appointment() != ""}
	if t.Priority {
		v.PriorityName = queue.PriorityNames[t.Kind()]
	}
	return v
}

func (s *Server) windowState(id string) windowAnswer {
	var a windowAnswer
	s.engine.Read(func(st *queue.State) {
		w, _ := st.Hall().Window(id)
		a.Window = display.WindowOf(st, w)
		if t := st.Current(id); t != nil {
			v := ticketView(st.Hall(), t, 0, 0)
			a.Ticket = &v
		}
		for _, c := range w.Categories {
			cat, _ := st.Hall().Category(c)
			a.Queues = append(a.Queues, display.QueueOf(st, cat))
		}
		a.Waiting = []waitingJSON{}
		for _, t := range st.WindowLine(id, maxWaitingShown) {
			a.Waiting = append(a.Waiting, waitingOf(t))
		}
		a.Held = []waitingJSON{}
		for _, t := range st.Held(id) {
			a.Held = append(a.Held, waitingOf(t))
		}
	})
	return a
}

func (s *Server) getWindow(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.engine.Authorize(id, sessionOf(r).Staff); err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, s.windowState(id))
}

func (s *Server) postWindowAction(w http.ResponseWriter, r *http.Request) {
	id, staff := r.PathValue("id"), sessionOf(r).Staff
	ctx := r.Context()
	var body struct {
		Category string `json:"category"`
		Reason   string `json:"reason"`
		Outcome  string `json:"outcome"`
		// Case is the intake of a 承诺件 (finish with outcome promised).
		Case  *queue.CaseIntake `json:"case"`
		Score int               `json:"score"`
		// Number is the ticket of call (选呼) and requeue (过号重排);
		// Window the window a transfer goes to (转办到窗口).
		Number string `json:"number"`
		Window string `json:"window"`
	}
	if !decode(w, r, &body) {
		return
	}
	var err error
	switch r.PathValue("action") {
	case "next":
		var t *queue.Ticket
		if t, err = s.engine.Next(ctx, id, staff); err == nil {
			if t == nil {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			v := ticketView(s.engine.Hall(), t, 0, 0)
			WriteJSON(w, http.StatusOK, map[string]any{"ticket": v, "window": s.windowState(id).Window})
			return
		}
	case "open":
		_, err = s.engine.Open(ctx, id, staff)
	case "close":
		err = s.engine.Leave(ctx, id, staff)
	case "recall":
		_, err = s.engine.Recall(ctx, id, staff)
	case "start":
		_, err = s.engine.Start(ctx, id, staff)
	case "no-show":
		_, err = s.engine.NoShow(ctx, id, staff)
	case "finish":
		if body.Case != nil && body.Outcome == queue.OutcomePromised {
			_, err = s.engine.FinishCase(ctx, id, staff, *body.Case)
		} else {
			_, err = s.engine.Finish(ctx, id, staff, body.Outcome)
		}
	case "transfer":
		switch {
		case body.Window != "" && body.Category != "":
			failWith(w, http.StatusBadRequest, "category_or_window", "转办到类别或窗口，二选一")
			return
		case body.Window != "":
			_, err = s.engine.TransferToWindow(ctx, id, staff, body.Window)
		case body.Category == "":
			failWith(w, http.StatusBadRequest, "missing_category", "请选择转办到哪个类别或窗口")
			return
		default:
			_, err = s.engine.Transfer(ctx, id, staff, body.Category)
		}
	case "call":
		_, err = s.engine.CallNumber(ctx, id, staff, body.Number)
	case "hold":
		_, _, err = s.engine.Hold(ctx, id, staff)
	case "requeue":
		_, err = s.engine.Requeue(ctx, id, staff, body.Number)
	case "pause":
		_, err = s.engine.Pause(ctx, id, staff, body.Reason)
	case "resume":
		_, err = s.engine.Resume(ctx, id, staff)
	default:
		failWith(w, http.StatusNotFound, "unknown_action", "没有这个操作")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, s.windowState(id))
}

func (s *Server) putStaffStatus(w http.ResponseWriter, r *http.Request) {
	sess, id := sessionOf(r), r.PathValue("id")
	if sess.Staff != id && !sess.Admin {
		failWith(w, http.StatusForbidden, "not_yourself", "只能修改自己的去向")
		return
	}
	var req struct {
		Status string `json:"status"`
		Note   string `json:"note"`
		Until  string `json:"until"`
	}
	if !decode(w, r, &req) {
		return
	}
	st, err := s.engine.SetStaffStatus(r.Context(), id, req.Status, req.Note, req.Until)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, st)
}
