package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fromAddress is a client whose connections come from a given loopback
// address (127.0.0.0/8 is all this machine's): one of many LAN attackers.
func fromAddress(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}}
}

// TestLoginStormKeepsTheClerkWorking is issue 9 point 3's attack: wrong
// PINs for every clerk and the manager from 60 addresses. Before, 75 wrong
// logins locked all 14 clerks and the manager out ("429 locked" with the
// right PIN). Now only the sources are held: the whole storm gets a few
// dozen PINs checked at most, and the clerk at their window (an address
// where they signed in before) signs in with the right PIN throughout.
func TestLoginStormKeepsTheClerkWorking(t *testing.T) {
	m := startMain(t, nil)
	window := &client{t: t, base: m.URL, hc: fromAddress("127.0.0.1")}
	window.login("S05", "240105") // the clerk's own window PC, this morning

	var checked, refused, other atomic.Int64
	var wg sync.WaitGroup
	for a := 2; a < 62; a++ {
		wg.Go(func() {
			hc := fromAddress(fmt.Sprintf("127.0.0.%d", a))
			for i := range 12 {
				staff := fmt.Sprintf("S%02d", 1+(a+i)%14)
				path, body := "/api/login", fmt.Sprintf(`{"staff":%q,"pin":"%06d"}`, staff, a*1000+i)
				switch i % 4 {
				case 1:
					body = fmt.Sprintf(`{"staff":"X%d","pin":"123456"}`, a) // an id that does not exist
				case 3:
					path, body = "/api/admin/login", `{"password":"guess-`+fmt.Sprint(a, i)+`"}`
				}
				req, _ := http.NewRequest("POST", m.URL+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := hc.Do(req)
				if err != nil {
					t.Errorf("attacker %d: %v", a, err)
					return
				}
				resp.Body.Close()
				switch resp.StatusCode {
				case 401:
					checked.Add(1)
				case 429:
					refused.Add(1)
					if resp.Header.Get("Retry-After") == "" {
						t.Errorf("429 without Retry-After")
					}
				default:
					other.Add(1)
				}
			}
		})
	}
	wg.Wait()
	t.Logf("storm: %d attempts checked (wrong), %d refused before any check, %d other", checked.Load(), refused.Load(), other.Load())
	if other.Load() != 0 {
		t.Errorf("%d attempts got neither 401 nor 429", other.Load())
	}
	// 60 addresses × 12 tries: the hall's budget for strangers lets about
	// 30 be checked, not 720.
	if checked.Load() > 40 {
		t.Errorf("%d wrong PINs were checked during the storm, want the hall's budget (~30)", checked.Load())
	}

	// The clerk at the window, and the manager from the same PC, still
	// sign in with the right PIN.
	window.login("S05", "240105")
	window.login("S06", "240106")
	if code, ans := window.do("POST", "/api/admin/login", map[string]string{"password": testAdminPassword}); code != 200 {
		t.Errorf("the manager after the storm: %d %v", code, ans)
	}
	// A stranger's address is held, and says for how long.
	code, ans := (&client{t: t, base: m.URL, hc: fromAddress("127.0.0.7")}).do("POST", "/api/login", map[string]string{"staff": "S05", "pin": "240105"})
	if code != 429 || ans["code"] != "too_many_attempts" {
		t.Errorf("a storm address = %d %v, want 429 too_many_attempts", code, ans)
	}
}
