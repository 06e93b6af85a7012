package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// finishAtWindow2 issues a ticket and has 李红梅 (S03) call, start and
// finish it at window 2, as a clerk would.
func finishAtWindow2(t *testing.T, m *Main) queue.Ticket {
	t.Helper()
	ctx := context.Background()
	is, err := m.engine.Issue(ctx, "pension", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{
		func() error { _, err := m.engine.Open(ctx, "2", "S03"); return err },
		func() error { _, err := m.engine.Next(ctx, "2", "S03"); return err },
		func() error { _, err := m.engine.Start(ctx, "2", "S03"); return err },
		func() error { _, err := m.engine.Finish(ctx, "2", "S03", queue.OutcomeImmediate); return err },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return is.Ticket
}

func ticketScore(m *Main, id string) (score int, reason string) {
	m.engine.Read(func(s *queue.State) {
		if tk := s.Tickets[id]; tk != nil {
			score, reason = tk.Score(), tk.Reason()
		}
	})
	return
}

// TestBrowserRatingTablet pairs a tablet at window 2 through the manager's
// approval, rates two finished tickets on it (one 不满意 with a reason),
// then follows the complaint up on /admin once it is overdue.
func TestBrowserRatingTablet(t *testing.T) {
	clk := queuetest.NewClock(time.Now())
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now; m.ComplaintCheck = 100 * time.Millisecond })
	browser := newBrowser(t)
	tablet := tab(t, browser, true, 1280, 800, m.URL+"/rate/2", false)
	waitJS(t, tablet, "the pairing code", `!document.getElementById('r8-pair').hidden && /^\d{6}$/.test(document.getElementById('r8-code').textContent)`, 10*time.Second)
	code := evalJS[string](t, tablet, `document.getElementById('r8-code').textContent`)
	screenshot(t, tablet, "rate-pair-1280x800")

	// An unpaired screen cannot rate.
	if st, ans := apiCall(t, m.URL, "", "POST", "/api/rate/2", map[string]any{"ticket": "x", "score": 5}); st != 401 || ans["code"] != "not_paired" {
		t.Errorf("unpaired rating = %d %v", st, ans)
	}
	_, login := apiCall(t, m.URL, "", "POST", "/api/admin/login", map[string]string{"password": browserAdminPassword})
	admin := login["token"].(string)
	_, ks := apiCall(t, m.URL, admin, "GET", "/api/admin/kiosks", nil)
	id := ""
	for _, p := range ks["pending"].([]any) {
		if p.(map[string]any)["code"] == code {
			id = p.(map[string]any)["id"].(string)
		}
	}
	if id == "" {
		t.Fatalf("the tablet's code %s is not among the pending screens %v", code, ks["pending"])
	}
	if st, ans := apiCall(t, m.URL, admin, "POST", "/api/admin/kiosks/pending/"+id+"/approve", map[string]string{"name": "2号窗口评价器"}); st != 200 {
		t.Fatalf("approve = %d %v", st, ans)
	}
	waitJS(t, tablet, "the idle tablet", `!document.getElementById('r8-idle').hidden && document.getElementById('r8-window').textContent === '2号窗口'`, 10*time.Second)

	// 办结 at window 2: the tablet asks at once (pushed), five choices.
	first := finishAtWindow2(t, m)
	waitJS(t, tablet, "the question", `!document.getElementById('r8-ask').hidden && document.getElementById('r8-num').textContent === `+quote(first.Number), 10*time.Second)
	names := evalJS[[]string](t, tablet, `Array.prototype.map.call(document.querySelectorAll('.r8-choice'), function(b){return b.textContent.replace(/★/g, '')})`)
	if strings.Join(names, ",") != "非常满意,满意,基本满意,不满意,非常不满意" {
		t.Errorf("choices = %v", names)
	}
	screenshot(t, tablet, "rate-ask-1280x800")
	click(t, tablet, `.r8-choice[data-score="2"]`)
	waitJS(t, tablet, "the reasons", `!document.getElementById('r8-reason').hidden`, 5*time.Second)
	reasons := evalJS[[]string](t, tablet, `Array.prototype.map.call(document.querySelectorAll('#r8-reasons button'), function(b){return b.textContent})`)
	if strings.Join(reasons, ",") != strings.Join(queue.RatingReasons(), ",") {
		t.Errorf("reasons = %v, want the rating pad's %v", reasons, queue.RatingReasons())
	}
	screenshot(t, tablet, "rate-reason-1280x800")
	click(t, tablet, `#r8-reasons button:first-child`)
	waitJS(t, tablet, "thanks", `!document.getElementById('r8-thanks').hidden`, 5*time.Second)
	if sc, why := ticketScore(m, first.ID); sc != 2 || why != "等候时间长" {
		t.Errorf("%s rated %d %q, want 2 等候时间长", first.Number, sc, why)
	}
	// One rating per ticket: the tablet no longer offers it.
	waitJS(t, tablet, "the idle tablet after thanks", `!document.getElementById('r8-idle').hidden`, 15*time.Second)

	second := finishAtWindow2(t, m)
	waitJS(t, tablet, "the second question", `!document.getElementById('r8-ask').hidden && document.getElementById('r8-num').textContent === `+quote(second.Number), 10*time.Second)
	click(t, tablet, `.r8-choice[data-score="5"]`)
	waitJS(t, tablet, "thanks again", `!document.getElementById('r8-thanks').hidden`, 5*time.Second)
	if sc, _ := ticketScore(m, second.ID); sc != 5 {
		t.Errorf("%s rated %d, want 5", second.Number, sc)
	}

	// Four days later the complaint is overdue: an alarm, a red row.
	clk.Set(clk.Now().Add(4 * 24 * time.Hour))
	adm := adminTab(t, browser, m)
	waitJS(t, adm, "the overdue alarm", `document.getElementById('alarms').textContent.indexOf('差评') >= 0`, 10*time.Second)
	waitJS(t, adm, "the complaint", `document.querySelector('#cp-rows tr.cp-overdue[data-ticket=`+quote(first.ID)+`]')`, 10*time.Second)
	row := evalJS[string](t, adm, `document.querySelector('#cp-rows tr').textContent`)
	for _, want := range []string{first.Number, "2号窗口", "李红梅", "不满意", "等候时间长", "已超期"} {
		if !strings.Contains(row, want) {
			t.Errorf("complaint row %q lacks %q", row, want)
		}
	}
	chromedp.Run(adm, chromedp.Evaluate[bool](`document.getElementById('complaints').scrollIntoView(), true`))
	screenshot(t, adm, "admin-complaints-1366x768")
	chromedp.Run(adm, chromedp.Evaluate[bool](`document.querySelector('#cp-rows .cp-action').value = 'rectify', true`))
	typeInto(t, adm, "#cp-rows .cp-note", "已约谈窗口人员，增开午间窗口")
	click(t, adm, "#cp-rows .cp-done")
	waitJS(t, adm, "the closed complaint", `document.querySelector('#cp-rows tr.cp-closed') && document.querySelector('#cp-rows tr.cp-closed').textContent.indexOf('已整改：已约谈窗口人员，增开午间窗口（管理员') >= 0`, 10*time.Second)
	waitJS(t, adm, "the alarm gone", `document.getElementById('alarms').textContent.indexOf('差评') < 0`, 10*time.Second)
	screenshot(t, adm, "admin-complaint-closed-1366x768")

	// The ledger's 差评 list carries the follow-up (a new sign-in: four
	// days have passed).
	_, login = apiCall(t, m.URL, "", "POST", "/api/admin/login", map[string]string{"password": browserAdminPassword})
	day := first.IssuedAt().In(shanghai).Format(time.DateOnly)
	_, led := apiCall(t, m.URL, login["token"].(string), "GET", "/api/admin/ledger?from="+day+"&to="+day, nil)
	low, _ := led["low_ratings"].([]any)
	if len(low) != 1 || low[0].(map[string]any)["followup_by"] != "管理员" {
		t.Errorf("ledger low ratings = %v", led["low_ratings"])
	}
}
