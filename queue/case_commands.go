package queue

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	defaultPromiseDays = 5   // 承诺件 without a time limit of its own
	maxPromiseDays     = 365 // a year: anything longer is a typo
	maxCaseText        = 40  // runes of a name, note, reason or document
	maxCaseDocuments   = 20
)

// CaseIntake is what a clerk records when accepting a promised job: the
// villager's name and phone (both optional) and the documents received.
type CaseIntake struct {
	Name      string   `json:"name"`
	Phone     string   `json:"phone"`
	Documents []string `json:"documents"`
	Note      string   `json:"note"`
}

func (in *CaseIntake) check() error {
	in.Name, in.Phone, in.Note = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Name) > maxCaseText || utf8.RuneCountInString(in.Note) > maxCaseText {
		return errorf(Invalid, "case_text_too_long", "姓名、备注最多 %d 个字", maxCaseText)
	}
	for _, r := range in.Phone {
		if !strings.ContainsRune("0123456789+- ", r) {
			return errorf(Invalid, "bad_phone", "电话号码只能有数字")
		}
	}
	if len(in.Phone) > 20 {
		return errorf(Invalid, "bad_phone", "电话号码太长")
	}
	if len(in.Documents) > maxCaseDocuments {
		return errorf(Invalid, "too_many_documents", "材料最多 %d 项", maxCaseDocuments)
	}
	docs := in.Documents[:0:0]
	for _, d := range in.Documents {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if utf8.RuneCountInString(d) > maxCaseText {
			return errorf(Invalid, "case_text_too_long", "材料名称最多 %d 个字", maxCaseText)
		}
		docs = append(docs, d)
	}
	in.Documents = docs
	return nil
}

// FinishCase finishes the window's current ticket as 承诺件 and opens its
// case, due after the service's working days. A pick-up ticket is finished
// as the case's pick-up instead (Finish does that too).
func (e *Engine) FinishCase(ctx context.Context, window, staff string, in CaseIntake) (Ticket, error) {
	if err := in.check(); err != nil {
		return Ticket{}, err
	}
	return e.finish(ctx, window, staff, OutcomePromised, in)
}

func (e *Engine) finish(ctx context.Context, window, staff, outcome string, in CaseIntake) (Ticket, error) {
	return e.onCurrent(ctx, window, staff, func(s *State, t *Ticket, emit func(Event)) error {
		emitFinish(s, t, window, staff, outcome, in, emit)
		return nil
	})
}

// emitFinish finishes a ticket: a pick-up ticket hands its case over, a
// 承诺件 opens a case.
func emitFinish(s *State, t *Ticket, window, staff, outcome string, in CaseIntake, emit func(Event)) {
	emit(Event{Type: EvFinished, Ticket: t.ID, Window: window, Staff: staff, Outcome: outcome})
	if c := s.Cases[t.Pickup()]; c != nil {
		if c.State == CaseReady {
			emit(Event{Type: EvCasePickedUp, Ticket: c.ID, Window: window, Staff: staff})
		}
		return
	}
	if outcome == OutcomePromised && s.Cases[t.ID] == nil {
		emit(openCase(s, t, window, staff, in))
	}
}

// openCase makes the event that opens a ticket's case. Its clerk is the one
// who first received the ticket, not necessarily the one finishing it.
func openCase(s *State, t *Ticket, window, staff string, in CaseIntake) Event {
	days := defaultPromiseDays
	if svc, ok := s.hall.Service(t.Service); ok && svc.PromiseDays > 0 {
		days = svc.PromiseDays
	}
	responsible := t.Received()
	if responsible == "" {
		responsible = staff
	}
	today := s.localDate(s.Last)
	due := s.hall.Calendar().AddWorkingDays(today, days)
	return Event{
		Type: EvCaseOpened, Ticket: t.ID, Number: t.Number, Window: window, Staff: responsible, Note: in.Note,
		Case: &CaseFields{Name: in.Name, Phone: in.Phone, Documents: in.Documents, Days: days, Due: due.Format(time.DateOnly)},
	}
}

// localDate is the hall's local date of t.
func (s *State) localDate(t time.Time) time.Time { return civil(t.In(s.hall.Location())) }

// Case actions, as the API names them.
const (
	CaseActForward = "forward"
	CaseActSuspend = "suspend"
	CaseActResume  = "resume"
	CaseActReady   = "ready"
	CaseActPickup  = "pickup"
	CaseActClose   = "close"
)

// Actor is who moves a case: a clerk (Staff), the manager (Admin), or a
// clerk who is also an admin.
type Actor struct {
	Staff string
	Admin bool
}

// CaseAction moves a case: forward (with the office in text), suspend
// (with the reason), resume, ready, pickup, close (optional reason). Only
// the case's responsible clerk or the manager may.
func (e *Engine) CaseAction(ctx context.Context, id string, who Actor, action, text string) (Case, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > maxCaseText {
		return Case{}, errorf(Invalid, "case_text_too_long", "说明最多 %d 个字", maxCaseText)
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (Case, error) {
		c := s.Cases[id]
		if c == nil {
			return Case{}, errorf(NotFound, "unknown_case", "没有这个承诺件")
		}
		if !who.Admin && who.Staff != c.Responsible {
			return Case{}, errorf(Forbidden, "not_responsible", "只有首问责任人或管理员可以办理此件")
		}
		ev, err := caseStep(s, c, action, text)
		if err != nil {
			return Case{}, err
		}
		ev.Ticket, ev.Staff = c.ID, who.Staff
		emit(ev)
		return *s.Cases[id], nil
	})
}

// caseStep checks an action against the case's state and makes its event.
func caseStep(s *State, c *Case, action, text string) (Event, error) {
	open := c.State == CaseAccepted || c.State == CaseProcessing
	switch action {
	case CaseActForward:
		switch {
		case !open:
			return Event{}, errorf(Conflict, "case_not_open", "此件已办结，不能再转送")
		case text == "":
			return Event{}, errorf(Invalid, "missing_note", "请写明转送到哪里")
		}
		return Event{Type: EvCaseForwarded, Note: text}, nil
	case CaseActSuspend:
		switch {
		case !open:
			return Event{}, errorf(Conflict, "case_not_open", "此件已办结，不能暂停")
		case c.Suspended:
			return Event{}, errorf(Conflict, "case_suspended", "此件已暂停")
		case text == "":
			return Event{}, errorf(Invalid, "missing_reason", "请写明暂停原因，例如需补正的材料")
		}
		return Event{Type: EvCaseSuspended, Reason: text}, nil
	case CaseActResume:
		if !c.Suspended {
			return Event{}, errorf(Conflict, "case_not_suspended", "此件没有暂停")
		}
		cal := s.hall.Calendar()
		stopped := cal.WorkingDaysBetween(s.localDate(c.SuspendedAt), s.localDate(s.Last))
		due, _ := ParseDate(c.Due)
		due = cal.AddWorkingDays(due, stopped)
		return Event{Type: EvCaseResumed, Case: &CaseFields{Due: due.Format(time.DateOnly), Suspended: stopped}}, nil
	case CaseActReady:
		switch {
		case !open:
			return Event{}, errorf(Conflict, "case_not_open", "此件已办结")
		case c.Suspended:
			return Event{}, errorf(Conflict, "case_suspended", "此件暂停中，请先恢复办理")
		}
		return Event{Type: EvCaseReady, Note: text}, nil
	case CaseActPickup:
		if c.State != CaseReady {
			return Event{}, errorf(Conflict, "case_not_ready", "此件还不能取件")
		}
		return Event{Type: EvCasePickedUp}, nil
	case CaseActClose:
		if c.State == CaseClosed {
			return Event{}, errorf(Conflict, "case_closed", "此件已结案")
		}
		return Event{Type: EvCaseClosed, Reason: text}, nil
	}
	return Event{}, errorf(NotFound, "unknown_action", "没有这个操作")
}

// Pickup gives a villager who came back for a ready case a ticket to the
// category that accepted it, ahead of walk-ins (a priority ticket). ref is
// the case's ticket token, or its number as typed at the kiosk ("B012");
// a number matches the ready cases only, and must match one.
func (e *Engine) Pickup(ctx context.Context, ref string) (Issued, error) {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	if i := strings.LastIndex(ref, "/T/"); i >= 0 {
		// A scanned QR code: the ticket page's address.
		ref = strings.TrimRight(ref[i+3:], "/")
	}
	if ref == "" {
		return Issued{}, errorf(Invalid, "missing_number", "请输入号票上的号码")
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (Issued, error) {
		c, err := s.findPickup(ref)
		if err != nil {
			return Issued{}, err
		}
		if p := s.Tickets[c.Pickup]; p != nil && p.Open() {
			return Issued{Ticket: *p, Ahead: s.Ahead(p), Wait: s.EstimatedWait(p)}, nil
		}
		cat, ok := s.hall.Category(c.Category)
		if !ok {
			return Issued{}, errorf(Conflict, "unknown_category", "受理此件的业务类别已不存在，请到咨询台")
		}
		// Opening hours apply; daily caps do not: the job is already done.
		if err := s.openAt(e.now()); err != nil {
			return Issued{}, err
		}
		return issueIn(s, emit, cat, c.Service, true, "", &CaseFields{For: c.ID}), nil
	})
}

// findPickup finds the case a villager came back for.
func (s *State) findPickup(ref string) (*Case, error) {
	var found []*Case
	if c, ok := s.casesByToken[ref]; ok {
		found = append(found, c)
	} else {
		for _, c := range s.Cases {
			if c.Number == ref && c.State == CaseReady {
				found = append(found, c)
			}
		}
	}
	switch {
	case len(found) == 0:
		for _, c := range s.Cases {
			if c.Number == ref && !c.Done() {
				return nil, errorf(Conflict, "case_not_ready", "此件还在办理中，承诺 %s 前办结", c.Due)
			}
		}
		return nil, errorf(NotFound, "unknown_case", "没有找到待取件的 %s，请到咨询台", ref)
	case len(found) > 1:
		return nil, errorf(Conflict, "ambiguous_number", "有几件同号的待取件，请扫描号票上的二维码，或到咨询台")
	case found[0].State != CaseReady:
		if !found[0].Done() {
			return nil, errorf(Conflict, "case_not_ready", "此件还在办理中，承诺 %s 前办结", found[0].Due)
		}
		return nil, errorf(Conflict, "case_not_ready", "此件已取件或已结案")
	}
	return found[0], nil
}
