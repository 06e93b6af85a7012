package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/kiosk"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
	"golang.org/x/crypto/bcrypt"
)

func newTestServer(t testing.TB) (*Server, string) {
	t.Helper()
	h := queue.DemoHall()
	e, err := queue.NewEngine(h, new(queuetest.MemLog), queue.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var hub *display.Hub
	st, _ := e.Subscribe(func(evs []queue.Event) { hub.Apply(evs) })
	hub = display.NewHub(st, display.Options{})
	adminHash, _ := HashPassword("pw", bcrypt.MinCost)
	s := New(Config{
		Engine: e, Hub: hub, Kiosk: kiosk.New(e, nil, kiosk.Options{}),
		Auth: NewAuth(h, adminHash, time.Now, bcrypt.MinCost),
	})
	t.Cleanup(func() { s.Close(); e.Close() })
	rec := httptest.NewRecorder()
	login := httptest.NewRequest("POST", "/api/login", bytes.NewReader([]byte(`{"staff":"S03","pin":"240103"}`)))
	login.Header.Set("Content-Type", "application/json")
	s.ServeHTTP(rec, login)
	var ans struct{ Token string }
	json.Unmarshal(rec.Body.Bytes(), &ans)
	if ans.Token == "" {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	return s, ans.Token
}

var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/api/tickets"},
	{"POST", "/api/login"},
	{"POST", "/api/admin/login"},
	{"POST", "/api/windows/3/next"},
	{"POST", "/api/windows/3/transfer"},
	{"POST", "/api/windows/3/finish"},
	{"POST", "/api/windows/3/pause"},
	{"POST", "/api/windows/2/recall"},
	{"POST", "/api/windows/9/open"},
	{"PUT", "/api/staff/S03/status"},
	{"PUT", "/api/staff/S04/status"},
	{"POST", "/api/admin/tickets/x/cancel"},
}

// FuzzAPI sends arbitrary bodies to every JSON endpoint, signed in and
// not: nothing may answer 5xx, and every error has the contract's shape.
func FuzzAPI(f *testing.F) {
	for i := range fuzzRoutes {
		for _, body := range []string{`{"service":"medicare","priority":true}`, `{"category":"health"}`,
			`{"outcome":"promised"}`, `{"reason":"接电话"}`, `{"status":"village","note":"下村","until":"15:00"}`,
			`{"staff":"S03","pin":"240103"}`, `{`, `null`, `[]`, `{"service":null}`, "\xff\xfe", ``} {
			f.Add(uint8(i), true, []byte(body))
		}
	}
	s, token := newTestServer(f)
	f.Fuzz(func(t *testing.T, route uint8, signedIn bool, body []byte) {
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		req := httptest.NewRequest(r.method, r.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if signedIn {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", r.method, r.path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e apiError
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" || e.Code == "" {
				t.Fatalf("%s %s %q: %d with a body that is not the contract's error: %s", r.method, r.path, body, rec.Code, rec.Body)
			}
		}
		if rec.Code == http.StatusTooManyRequests {
			t.Skip() // five wrong PINs lock the clerk: expected, nothing more to check
		}
	})
}
