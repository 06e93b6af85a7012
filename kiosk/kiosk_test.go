package kiosk_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/kiosk"
	"github.com/yimen-hall/yimen/printer"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

func newEngine(t *testing.T) *queue.Engine {
	t.Helper()
	e, err := queue.NewEngine(queue.DemoHall(), new(queuetest.MemLog), queue.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func url(token string) string { return "http://hall.local/t/" + token }

func ticketState(e *queue.Engine, id string) (t queue.Ticket) {
	e.Read(func(s *queue.State) { t = *s.Tickets[id] })
	return t
}

// simKiosk is a kiosk of the demo hall printing on the simulated printer.
func simKiosk(t *testing.T) (*queue.Engine, *kiosk.Kiosk, *printer.Sim) {
	t.Helper()
	e := newEngine(t)
	p, err := printer.Open("sim", printer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return e, kiosk.New(e, p, kiosk.Options{}), p.(*printer.Sim)
}

func TestPrinterFaultKeepsTheNumber(t *testing.T) {
	e, k, sim := simKiosk(t)
	ctx := context.Background()

	r, err := k.Issue(ctx, "medicare", false, url)
	if err != nil || !r.Printed || r.PrintError != "" {
		t.Fatalf("healthy printer: %+v, %v", r, err)
	}
	prev := sim.Previews()
	if len(prev) != 1 || prev[0].Number != r.Ticket.Number || !strings.Contains(string(prev[0].HTML), "新农合报销") {
		t.Errorf("the printed ticket is not in the previews: %+v", prev)
	}

	sim.SetState(printer.StatePaperEnd)
	r2, err := k.Issue(ctx, "medicare", false, url)
	if err != nil {
		t.Fatalf("a printer fault must not refuse the ticket: %v", err)
	}
	if r2.Printed || !strings.Contains(r2.PrintError, "纸") {
		t.Errorf("out of paper: printed=%v error=%q, want not printed and a paper message", r2.Printed, r2.PrintError)
	}
	if st := ticketState(e, r2.Ticket.ID); st.Status() != queue.StatusWaiting || st.Printed {
		t.Errorf("unprinted ticket = %+v, want waiting and marked unprinted", st)
	}

	// Refilled: the manager reprints it.
	sim.SetState(printer.StateOK)
	rp, err := k.Reprint(ctx, r2.Ticket.ID, url)
	if err != nil || !rp.Printed {
		t.Fatalf("reprint: %+v, %v", rp, err)
	}
	if st := ticketState(e, r2.Ticket.ID); !st.Printed {
		t.Errorf("after the reprint the ticket is still marked unprinted")
	}
	if _, err := k.Reprint(ctx, "20990101-Z999", url); queue.ErrorKind(err) != queue.NotFound {
		t.Errorf("reprint of an unknown ticket = %v", err)
	}
}

// stuck is a printer that never answers.
type stuck struct{}

func (stuck) Print(ctx context.Context, _ printer.Ticket) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestDeadPrinterDoesNotHoldTheKiosk(t *testing.T) {
	e := newEngine(t)
	k := kiosk.New(e, stuck{}, kiosk.Options{PrintTimeout: 200 * time.Millisecond})
	start := time.Now()
	r, err := k.Issue(context.Background(), "pension", true, url)
	if err != nil {
		t.Fatal(err)
	}
	// The print timeout is 200 ms; the bound only catches a kiosk that waits
	// on the printer for good, with room for a loaded CI machine.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the kiosk waited %v on a dead printer", d)
	}
	if r.Printed || r.PrintError != "打印机无响应" {
		t.Errorf("dead printer: printed=%v error=%q", r.Printed, r.PrintError)
	}
	if !r.Ticket.Priority || r.Ticket.Number != "B001" {
		t.Errorf("ticket = %+v", r.Ticket)
	}
}

func TestNoPrinter(t *testing.T) {
	e := newEngine(t)
	k := kiosk.New(e, nil, kiosk.Options{})
	r, err := k.Issue(context.Background(), "guide", false, url)
	if err != nil || r.Printed || r.PrintError == "" {
		t.Errorf("without a printer: %+v, %v", r, err)
	}
}

// The printed ticket says what to bring (一次性告知).
func TestTicketSaysWhatToBring(t *testing.T) {
	_, k, sim := simKiosk(t)
	ctx := context.Background()
	for _, tc := range []struct{ service, want string }{
		{"pension", "请带好：身份证、户口本。"},
		{"housing", "请带好：身份证、户口本、宅基地使用证明、建房申请表。承诺件：受理后七个工作日内办结"},
		{"guide", "不知道办什么，先到咨询台问一问"},
	} {
		if _, err := k.Issue(ctx, tc.service, false, url); err != nil {
			t.Fatal(err)
		}
		text := tags.ReplaceAllString(string(sim.Previews()[0].HTML), "") // the newest
		if !strings.Contains(text, tc.want) {
			t.Errorf("%s: the ticket does not say %q: %s", tc.service, tc.want, text)
		}
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// With no printer (--printer none) a ticket is one commit: there is no
// print result to record.
func TestNoPrinterIsOneCommit(t *testing.T) {
	log := new(queuetest.MemLog)
	e, err := queue.NewEngine(queue.DemoHall(), log, queue.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	p, err := printer.Open("none", printer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	k := kiosk.New(e, p, kiosk.Options{})
	if _, err := k.Issue(context.Background(), "medicare", false, url); err != nil { // the day opens
		t.Fatal(err)
	}
	before := log.Appends
	r, err := k.Issue(context.Background(), "medicare", false, url)
	if err != nil {
		t.Fatal(err)
	}
	if r.Printed || r.PrintError != "本机未连接打印机" {
		t.Errorf("printed %v, %q", r.Printed, r.PrintError)
	}
	if n := log.Appends - before; n != 1 {
		t.Errorf("a ticket without a printer took %d commits, want 1", n)
	}
}
