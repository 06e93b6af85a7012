package main

import (
	"testing"
	"time"
)

// TestBrowserKioskPairing: a new kiosk screen (its own browser, no
// credential) shows a pairing code instead of taking numbers; the manager
// sees the same code on /admin and approves it; the kiosk then issues.
func TestBrowserKioskPairing(t *testing.T) {
	m := startPagesDaemon(t)
	browser := newBrowser(t)
	kiosk := tab(t, browser, true, 1080, 1920, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the pairing code", `!document.getElementById('pair').hidden && /^\d{6}$/.test(document.getElementById('pair-code').textContent)`, 10*time.Second)
	code := evalJS[string](t, kiosk, `document.getElementById('pair-code').textContent`)
	screenshot(t, kiosk, "kiosk-pairing")

	admin := tab(t, browser, true, 1366, 768, m.URL+"/admin", false)
	waitJS(t, admin, "the admin sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, admin, "#password", browserAdminPassword)
	click(t, admin, "#admin-login-btn")
	waitJS(t, admin, "the pending kiosk's code", `document.querySelector('#k-pending tr') && document.querySelector('#k-pending tr td').textContent === `+quote(code), 10*time.Second)
	evalJS[bool](t, admin, `document.getElementById('kiosks').scrollIntoView(); true`)
	screenshot(t, admin, "admin-kiosk-pending")
	click(t, admin, "#k-pending button")
	waitJS(t, admin, "the kiosk among the paired", `document.querySelectorAll('#k-paired tr').length === 1 && document.getElementById('k-pending-none').hidden === false`, 10*time.Second)

	waitJS(t, kiosk, "the kiosk paired", `document.getElementById('pair').hidden && document.querySelectorAll('.svc').length === 20`, 10*time.Second)
	click(t, kiosk, `[data-service="guide"]`)
	waitJS(t, kiosk, "the ticket", `!document.getElementById('ticket').hidden && window.yimenKiosk.last.number`, 5*time.Second)
}
