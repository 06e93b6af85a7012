// Package web serves the hall's HTTP API, the push websocket and the
// embedded pages (kiosk, clerk, lobby, window screen, ticket page, floor
// view), all on the standard library's router.
package web

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/kiosk"
	"github.com/yimen-hall/yimen/printer"
	"github.com/yimen-hall/yimen/queue"
)

// Server holds what the handlers need.
type Server struct {
	engine  *queue.Engine
	hub     *display.Hub
	screens *screens
	kiosk   *kiosk.Kiosk
	auth    *Auth
	logger  *slog.Logger
	now     func() time.Time
	issue   *rateLimiter
	kiosks  *Kiosks
	// phones, when set, lets phones without a kiosk credential take a
	// number, under a stricter limit per address.
	phones   *rateLimiter
	pairRate *rateLimiter
	// phoneLookups and requeues limit a kiosk's lookups of bookings by
	// the phone's last four digits and its 过号重排 (api_kiosk_appointments.go).
	phoneLookups, requeues *rateLimiter
	// bookReads and bookPosts limit /book's requests per address.
	bookReads, bookPosts *rateLimiter
	csrf                 *http.CrossOriginProtection
	// publicURL is the base of the status page address printed in the QR
	// code; empty means the address the kiosk itself used.
	publicURL string
	// Printer, when set, gives the manager's page the printer's state and
	// (for the simulated printer) previews of printed tickets.
	printer printer.Printer
	// devices, when set, serves the device websocket and the learn-mode API.
	devices Devices
	// voiceDir holds a hall's own voice clips, replacing embedded ones.
	voiceDir string
	// summaries keeps closed days' ledger summaries (nil: none kept).
	summaries queue.SummaryStore
	backup    func(io.Writer) (int64, error)
	devicesWS deviceLinks

	mux *http.ServeMux
}

// Devices is the firmware bridge as the web layer sees it.
type Devices interface {
	ServeWS(w http.ResponseWriter, r *http.Request)
	DevicesJSON() any
	Assign(hwid, window string) error
}

// Config configures a Server.
type Config struct {
	Engine    *queue.Engine
	Hub       *display.Hub
	Kiosk     *kiosk.Kiosk
	Auth      *Auth
	Logger    *slog.Logger
	Now       func() time.Time
	PublicURL string
	// IssueRate is how many tickets one client address may take per
	// minute; 0 means no limit (a load test, or a trusted LAN).
	IssueRate int
	Printer   printer.Printer
	Devices   Devices
	// VoiceDir, when set, holds recordings that replace the embedded voice
	// clips of the same name.
	VoiceDir string
	// Summaries keeps closed days' ledger summaries, so that a month of
	// ledger does not replay a month of log.
	Summaries queue.SummaryStore
	// Kiosks holds the paired kiosks; nil keeps an empty set in memory.
	Kiosks *Kiosks
	// PhoneTickets, when above 0, lets a phone on the hall's network take
	// that many numbers an hour without a kiosk (the hall's choice).
	PhoneTickets int
	// Backup writes a consistent copy of the hall file while the hall
	// works (GET /api/admin/backup); nil: not offered.
	Backup func(io.Writer) (int64, error)
}

// New builds the server and its routes.
func New(c Config) *Server {
	s := &Server{
		engine: c.Engine, hub: c.Hub, kiosk: c.Kiosk, auth: c.Auth,
		logger: c.Logger, now: c.Now, publicURL: strings.TrimRight(c.PublicURL, "/"),
		printer: c.Printer, devices: c.Devices, voiceDir: c.VoiceDir,
		summaries: c.Summaries, backup: c.Backup,
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if c.IssueRate > 0 {
		s.issue = newRateLimiter(c.IssueRate, time.Minute, s.now)
	}
	if c.PhoneTickets > 0 {
		s.phones = newRateLimiter(c.PhoneTickets, time.Hour, s.now)
	}
	s.pairRate = newRateLimiter(6, time.Minute, s.now)
	s.phoneLookups = newRateLimiter(10, time.Minute, s.now)
	s.requeues = newRateLimiter(10, time.Minute, s.now)
	s.bookReads = newRateLimiter(60, time.Minute, s.now)
	s.bookPosts = newRateLimiter(10, time.Hour, s.now)
	s.kiosks = c.Kiosks
	if s.kiosks == nil {
		s.kiosks, _ = NewKiosks(nil, s.now)
	}
	s.csrf = http.NewCrossOriginProtection()
	if o := originOf(s.publicURL); o != "" {
		s.csrf.AddTrustedOrigin(o) // only fails on a malformed origin, which originOf never gives
	}
	s.screens = newScreens(s.hub, s.now)
	s.mux = http.NewServeMux()
	s.routes()
	return s
}

// Close disconnects every screen; call it after the HTTP server stopped.
func (s *Server) Close() {
	s.screens.close()
	s.devicesWS.close()
}

// ServeHTTP serves every route, behind the headers and the cross-site
// checks every request gets (guard.go).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	if !s.guard(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", s.getHealthz)
	m.HandleFunc("GET /api/hall", s.getHall)
	m.HandleFunc("POST /api/tickets", s.postTicket)
	s.appointmentRoutes(m)
	s.kioskAppointmentRoutes(m)
	s.bookRoutes(m)
	m.HandleFunc("GET /api/tickets/{token}", s.getTicket)

	m.HandleFunc("POST /api/login", s.postLogin)
	m.HandleFunc("POST /api/logout", s.postLogout)
	m.HandleFunc("GET /api/me", s.clerk(s.getMe))
	m.HandleFunc("GET /api/windows/{id}", s.clerk(s.getWindow))
	m.HandleFunc("POST /api/windows/{id}/{action}", s.clerk(s.postWindowAction))
	m.HandleFunc("PUT /api/staff/{id}/status", s.signedIn(s.putStaffStatus))

	m.HandleFunc("POST /api/admin/login", s.postAdminLogin)
	m.HandleFunc("GET /api/admin/floor", s.admin(s.getFloor))
	m.HandleFunc("GET /api/admin/alarms", s.admin(s.getAlarms))
	s.extraWindowRoutes(m)
	m.HandleFunc("GET /api/admin/ledger", s.admin(s.getLedger))
	m.HandleFunc("POST /api/admin/tickets/{id}/reprint", s.admin(s.postReprint))
	m.HandleFunc("POST /api/admin/tickets/{id}/cancel", s.admin(s.postCancel))
	m.HandleFunc("GET /api/admin/devices", s.admin(s.getDevices))
	m.HandleFunc("POST /api/admin/devices/{hwid}/assign", s.admin(s.postAssignDevice))
	m.HandleFunc("GET /api/admin/devices/learn", s.admin(s.getDeviceLearn))
	m.HandleFunc("POST /api/admin/devices/learn", s.admin(s.postDeviceLearn))
	m.HandleFunc("POST /api/admin/devices/{hwid}/approve", s.admin(s.postApproveDevice))
	m.HandleFunc("POST /api/admin/devices/{hwid}/forget", s.admin(s.postForgetDevice))

	m.HandleFunc("GET /ws/display", s.serveDisplayWS)
	m.HandleFunc("GET /api/admin/screens", s.admin(s.getScreens))
	if s.devices != nil {
		m.HandleFunc("GET /ws/device", s.serveDeviceWS)
	}
	s.kioskRoutes(m)
	s.adminHallRoutes(m)
	s.caseRoutes(m)
	m.HandleFunc("GET /api/admin/backup", s.admin(s.getBackup))
	m.HandleFunc("POST /api/admin/day/confirm", s.admin(s.postConfirmDay))
	s.pageRoutes(m)
}
