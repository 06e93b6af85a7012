package county_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/county"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestAccounts: the first start prints the county admin's password once
// and a restart does not; nothing is read without signing in; the admin
// makes a 代办员 account, whose password works and who sees the halls but
// not the ledger or the accounts. The hub is away the whole time: the
// pages work without it.
func TestAccounts(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	start := func() *county.Service {
		svc, err := county.Start(county.Config{NATS: []string{"nats://127.0.0.1:1"}, Addr: "127.0.0.1:0", Data: dir, Stdout: &out})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	svc := start()
	m := regexp.MustCompile(`password is (\S+) \(shown once\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("first start printed no password: %q", out.String())
	}
	pw := m[1]
	svc.Close()
	out.Reset()
	svc = start()
	defer svc.Close()
	if out.Len() != 0 {
		t.Errorf("a restart printed %q", out.String())
	}
	base := "http://" + svc.Addr()

	for _, path := range []string{"/api/county/halls", "/api/county/ledger", "/api/county/agents", "/api/county/halls/x"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s signed out: %s", path, resp.Status)
		}
	}
	body, _ := json.Marshal(map[string]string{"user": "admin", "password": "wrong-password"})
	if resp, _ := http.Post(base+"/api/county/login", "application/json", bytes.NewReader(body)); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong password: %s", resp.Status)
	}

	admin := signIn(t, base, county.AdminUser, pw)
	made := admin.post("/api/county/agents", map[string]string{"user": "lijia", "name": "李佳", "station": "李家村代办点"})
	if made["password"] == nil || made["role"] != "agent" {
		t.Fatalf("agent made: %v", made)
	}
	if again := admin.postStatus("/api/county/agents", map[string]string{"user": "lijia", "name": "别人"}); again != http.StatusConflict {
		t.Errorf("a second lijia: %d", again)
	}
	if bad := admin.postStatus("/api/county/agents", map[string]string{"user": "<b>", "name": "x"}); bad != http.StatusBadRequest {
		t.Errorf("a bad user name: %d", bad)
	}
	var agents []map[string]any
	admin.get("/api/county/agents", &agents)
	if len(agents) != 1 || agents[0]["station"] != "李家村代办点" || agents[0]["hash"] != nil {
		t.Errorf("agents = %v", agents)
	}

	agent := signIn(t, base, "lijia", made["password"].(string))
	var me map[string]any
	if agent.get("/api/county/me", &me); me["role"] != "agent" || me["name"] != "李佳" {
		t.Errorf("me = %v", me)
	}
	if st := agent.get("/api/county/halls", nil); st != http.StatusOK {
		t.Errorf("agent reads the halls: %d", st)
	}
	for _, path := range []string{"/api/county/ledger", "/api/county/agents"} {
		if st := agent.get(path, nil); st != http.StatusForbidden {
			t.Errorf("agent GET %s: %d", path, st)
		}
	}
	// A form posted from another site is not JSON and is refused.
	resp, err := admin.http.Post(base+"/api/county/agents", "application/x-www-form-urlencoded", strings.NewReader("user=x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a form posted to make an account: %s", resp.Status)
	}
}

// TestGuessingIsSlowed: after five wrong passwords from one address, even
// the right one waits for the pause, which the answer states; once it has
// passed, the right password signs in.
func TestGuessingIsSlowed(t *testing.T) {
	clock := queuetest.NewClock(nineAM)
	svc, err := county.Start(county.Config{NATS: []string{"nats://127.0.0.1:1"}, Addr: "127.0.0.1:0",
		Data: t.TempDir(), AdminPassword: adminPassword, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	try := func(pw string) *http.Response {
		body, _ := json.Marshal(map[string]string{"user": county.AdminUser, "password": pw})
		resp, err := http.Post("http://"+svc.Addr()+"/api/county/login", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 5 {
		if st := try("guess-" + strconv.Itoa(i)).StatusCode; st != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, st)
		}
	}
	resp := try(adminPassword)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the right password after five guesses: %s, Retry-After %q", resp.Status, resp.Header.Get("Retry-After"))
	}
	clock.Add(2 * time.Second)
	if st := try(adminPassword).StatusCode; st != http.StatusOK {
		t.Fatalf("after the pause: %d", st)
	}
}
