package main

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// adminHallTab signs the manager in on /admin/hall in a fresh tab at
// 1366×768.
func adminHallTab(t *testing.T, browser context.Context, m *Main) context.Context {
	t.Helper()
	admin := tab(t, browser, true, 1366, 768, m.URL+"/admin/hall", false)
	waitJS(t, admin, "the sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, admin, "#password", browserAdminPassword)
	click(t, admin, "#login-form button[type=submit]")
	return admin
}

// TestBrowserAdminBooking: the manager lets 生育服务登记 take appointments on
// /admin/hall, on Tuesdays and Thursdays in 20-minute slots of three, and
// the hall takes bookings for it at once.
func TestBrowserAdminBooking(t *testing.T) {
	m := startPagesDaemon(t)
	browser := newBrowser(t)
	admin := adminHallTab(t, browser, m)
	waitJS(t, admin, "the booking table", `!document.getElementById('editor').hidden && document.querySelector('#t-booking [data-booking="birth"]')`, 5*time.Second)
	click(t, admin, `#t-booking [data-booking="birth"]`)
	typeInto(t, admin, "[data-path='services[12].booking.weekdays']", "2,4")
	typeInto(t, admin, "[data-path='services[12].booking.slot_minutes']", "20")
	typeInto(t, admin, "[data-path='services[12].booking.capacity']", "3")
	typeInto(t, admin, "#appt-in-row", "2")
	screenshot(t, admin, "admin-hall-booking-1366x768")
	click(t, admin, "#save")
	savedOK(t, admin)

	_, hall := apiCall(t, m.URL, "", "GET", "/api/hall", nil)
	var booking any
	for _, s := range hall["services"].([]any) {
		if s := s.(map[string]any); s["id"] == "birth" {
			booking = s["booking"]
		}
	}
	if got := fmt.Sprint(booking); got != "map[capacity:3 slot_minutes:20 weekdays:[2 4]]" {
		t.Errorf("生育服务登记's booking = %s", got)
	}
	if got := fmt.Sprint(hall["appointments"]); got != "map[max_in_row:2]" {
		t.Errorf("the hall's appointments policy = %s", got)
	}
}
