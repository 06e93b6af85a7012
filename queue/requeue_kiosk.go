package queue

import (
	"context"
	"strings"
	"time"
)

// RequeueAtKiosk is 过号重排 at the kiosk: a villager whose number was
// passed scans the ticket's QR code (its page address, with the token) or
// types the number. Within the hall's requeue time the ticket goes back
// in its line as the clerk's requeue puts it; otherwise the refusal says
// what to do.
func (e *Engine) RequeueAtKiosk(ctx context.Context, ref string) (Ticket, error) {
	ref = strings.TrimSpace(ref)
	if i := strings.LastIndex(ref, "/t/"); i >= 0 {
		ref = ref[i+3:] // the QR code: …/t/{token}
	}
	// A token is found through the committed state, the one that
	// indexes tokens (forgetTokens): a villager holds only committed ones.
	var id string
	e.Read(func(s *State) {
		if t, ok := s.TicketByToken(ref); ok {
			id = t.ID
		}
	})
	return exec(ctx, e, func(s *State, emit func(Event)) (Ticket, error) {
		t, ok := s.Tickets[id]
		switch {
		case !ok && len(ref) > 8: // not a number: a token of another day, or a stray scan
			return Ticket{}, errorf(NotFound, "unknown_ticket", "没有找到这张号票（号票当日有效），请重新取号")
		case !ok:
			var err error
			if t, err = s.ticketByNumber(ref); err != nil {
				return Ticket{}, err
			}
		}
		switch t.Status() {
		case StatusNoShow:
		case StatusWaiting, StatusTransferred:
			return Ticket{}, errorf(Conflict, "still_waiting", "%s 号没有过号，还在等候（前面还有 %d 人），请留意叫号", t.Number, s.Ahead(t))
		case StatusCalled, StatusServing:
			return Ticket{}, errorf(Conflict, "called_now", "%s 号正在叫，请马上到%s", t.Number, s.windowName(t.Window()))
		case StatusHeld:
			return Ticket{}, errorf(Conflict, "held", "%s 号已挂起，请到%s，工作人员会叫回", t.Number, s.windowName(t.Window()))
		default:
			return Ticket{}, errorf(Conflict, "ticket_closed", "%s 号已办结，如需再办请重新取号", t.Number)
		}
		return e.requeueTicket(s, emit, "", "kiosk", t)
	})
}

// requeueTicket puts a 过号 ticket back in its line if it came back within
// the hall's time (the clerk's and the kiosk's requeue alike).
func (e *Engine) requeueTicket(s *State, emit func(Event), window, by string, t *Ticket) (Ticket, error) {
	within := s.hall.Calling.RequeueWithin()
	if e.now().Sub(t.DoneAt()) > within {
		return Ticket{}, errorf(Conflict, "requeue_too_late", "%s 号过号已超过 %d 分钟，请重新取号", t.Number, int(within/time.Minute))
	}
	emit(Event{Type: EvRequeued, Ticket: t.ID, Number: t.Number, Window: window, Staff: by, Places: s.hall.Calling.Places()})
	return *s.Tickets[t.ID], nil
}
