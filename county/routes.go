package county

import "net/http"

// routes is every route of the county service in one place: pages, then
// the API by the role it needs. 代办 requests (YIMEN_REQUESTS) and the
// service bus's rollup add theirs here, behind s.signedIn with the roles
// that may use them.
func (s *Service) routes() {
	m := s.mux

	// Pages (Chinese first); each asks for its data from the API below.
	m.Handle("GET /county/static/", http.StripPrefix("/county/", http.FileServerFS(staticFS)))
	m.HandleFunc("GET /county/login", s.page("login.html"))
	m.HandleFunc("GET /county", s.page("halls.html"))
	m.HandleFunc("GET /county/halls/{id}", s.page("hall.html"))
	m.HandleFunc("GET /county/ledger", s.page("ledger.html"))
	m.HandleFunc("GET /county/agents", s.page("agents.html"))
	m.HandleFunc("GET /county/requests", s.page("requests.html"))
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/county", http.StatusFound)
	})

	// Signing in.
	m.HandleFunc("POST /api/county/login", s.apiLogin)
	m.HandleFunc("POST /api/county/logout", s.apiLogout)
	m.HandleFunc("GET /api/county/me", s.signedIn(s.apiMe, RoleAdmin, RoleAgent))

	// Every hall, one hall: the county office and the 代办员.
	m.HandleFunc("GET /api/county/halls", s.signedIn(s.apiHalls, RoleAdmin, RoleAgent))
	m.HandleFunc("GET /api/county/halls/{id}", s.signedIn(s.apiHall, RoleAdmin, RoleAgent))

	// 代办: a 代办员 files for villagers at the township halls and follows
	// the requests of their station; the county office files and sees all.
	m.HandleFunc("GET /api/county/requests", s.signedIn(s.apiRequests, RoleAdmin, RoleAgent))
	m.HandleFunc("POST /api/county/requests", s.signedIn(s.apiFileRequest, RoleAdmin, RoleAgent))
	m.HandleFunc("GET /api/county/requests/halls", s.signedIn(s.apiRequestHalls, RoleAdmin, RoleAgent))
	m.HandleFunc("GET /api/county/halls/{id}/slots", s.signedIn(s.apiRequestSlots, RoleAdmin, RoleAgent))

	// The county office alone: the ledger and the accounts.
	m.HandleFunc("GET /api/county/ledger", s.signedIn(s.apiLedger, RoleAdmin))
	m.HandleFunc("GET /api/county/agents", s.signedIn(s.apiAgents, RoleAdmin))
	m.HandleFunc("POST /api/county/agents", s.signedIn(s.apiAddAgent, RoleAdmin))
}
