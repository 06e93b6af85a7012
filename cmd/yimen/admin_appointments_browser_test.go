package main

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestBrowserAdminAppointments: the manager's floor lists today's
// appointments by slot with their state, and 取消 frees one that is not
// checked in.
func TestBrowserAdminAppointments(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)) // a Monday
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)
	kioskCred := pairBrowserKiosk(t, browser, m)
	admin := adminTab(t, browser, m)
	waitJS(t, admin, "the appointments card, empty today", `document.getElementById('appt-day').value === '2026-11-23' && !document.getElementById('appt-none').hidden`, 10*time.Second)

	// Two villagers phoned; the manager's page books them through the API.
	evalJS[bool](t, admin, `window.booked = [];
		Y.api('POST', '/api/appointments', {service: 'pension', day: '2026-11-23', slot: '10:00', name: '李四'}).then(function (r) { window.booked.push(r.data.code);
		  return Y.api('POST', '/api/appointments', {service: 'pension', day: '2026-11-23', slot: '09:30', name: '王大爷', phone: '13800001234'}); }).then(function (r) { window.booked.push(r.data.code); });
		true`)
	waitJS(t, admin, "both booked", `window.booked.length === 2`, 10*time.Second)
	later := evalJS[string](t, admin, `window.booked[0]`)
	early := evalJS[string](t, admin, `window.booked[1]`)
	clk.Set(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai))
	if code, ans := apiCall(t, m.URL, kioskCred, "POST", "/api/tickets", map[string]any{"appointment": early}); code != 201 {
		t.Fatalf("check-in: %d %v", code, ans)
	}
	click(t, admin, "#appt-load")
	waitJS(t, admin, "the two by slot, the early one checked in",
		`(function () {
		   var rows = document.querySelectorAll('#appt-rows tr');
		   return rows.length === 2 &&
		     rows[0].getAttribute('data-appt') === `+quote(early)+` && rows[0].children[4].textContent === '已取号' && !rows[0].querySelector('[data-cancel]') &&
		     rows[0].children[3].textContent === '王大爷 13800001234' && rows[0].children[2].textContent === '城乡居民养老保险' &&
		     rows[1].getAttribute('data-appt') === `+quote(later)+` && rows[1].children[4].textContent === '待取号';
		 })()`, 10*time.Second)
	screenshot(t, admin, "admin-appointments-1366x768")

	click(t, admin, `[data-cancel="`+later+`"]`)
	waitJS(t, admin, "the cancelled one gone", `document.querySelectorAll('#appt-rows tr').length === 1 && !document.querySelector('[data-appt="`+later+`"]')`, 10*time.Second)
	if code, ans := apiCall(t, m.URL, kioskCred, "POST", "/api/tickets", map[string]any{"appointment": later}); code != 404 {
		t.Errorf("check-in with the cancelled code = %d %v, want 404", code, ans)
	}
}
