package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/kiosk"
	"github.com/yimen-hall/yimen/printer"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/bolt"
	"github.com/yimen-hall/yimen/web"
)

// Main is the whole daemon. Tests start it on port 0 with a temporary data
// directory and stop it with Close.
type Main struct {
	Addr    string
	DataDir string
	// Init starts a new hall on a data directory whose file is empty
	// (--init); without it that is damage, never a fresh start.
	Init bool
	// BackupDir receives a checked copy of the hall file every day,
	// BackupKeep days of them (--backup-dir, --backup-keep).
	BackupDir     string
	BackupKeep    int
	HallFile      string
	PrinterURI    string
	Bridges       []string
	PublicURL     string
	IssueRate     int
	AdminPassword string
	// AdminPasswordFile holds the manager's password on its first line:
	// unlike --admin-password it is not in the process list.
	AdminPasswordFile string
	VoiceDir          string
	// PhoneTickets lets phones take that many numbers an hour each without
	// a kiosk; 0 (the default) keeps issuing to paired kiosks.
	PhoneTickets int
	// HashCost is the bcrypt cost of PINs and the admin password; 0 is
	// bcrypt's default. Tests lower it.
	HashCost int
	// Now is the clock (tests move it across midnight).
	Now func() time.Time
	// ComplaintCheck is how often overdue low ratings and 承诺件 are
	// looked for (a minute when zero).
	ComplaintCheck time.Duration
	// HallID overrides the hall's id (--hall-id); County lists the hub's
	// leafnode URLs and CountyCreds the file of the hall's credentials
	// there (county_link.go).
	HallID      string
	County      []string
	CountyCreds string

	countyUser, countyPassword string
	link                       *federation.Link

	stderr io.Writer
	logger *slog.Logger
	// complaintsDone is closed when the overdue-rating watch has stopped.
	complaintsDone chan struct{}
	// casesDone is closed when the overdue-case watch has stopped.
	casesDone chan struct{}

	hall    *queue.Hall
	hallSum string // SHA-256 of the --hall file
	store   *bolt.Store
	engine  *queue.Engine
	hub     *display.Hub
	printer printer.Printer
	bridges []io.Closer
	ln      net.Listener
	web     *web.Server
	server  *http.Server
	stop    context.CancelFunc

	backupDone   chan struct{} // closed when the backup loop has ended
	logCheckDone chan struct{} // closed when the check of the whole log has ended

	// URL is where the daemon listens, once Run has returned.
	URL string
}

// NewMain returns a daemon with the contract's defaults.
func NewMain(stderr io.Writer) *Main {
	return &Main{
		Addr: ":8080", DataDir: "./yimen-data", PrinterURI: "sim", IssueRate: 30,
		Now: time.Now, stderr: stderr, BackupKeep: 14,
		logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
}

type listFlag struct{ v *[]string }

func (f listFlag) String() string     { return "" }
func (f listFlag) Set(s string) error { *f.v = append(*f.v, s); return nil }

// ParseFlags reads the command line; environment variables YIMEN_ADDR,
// YIMEN_DATA, YIMEN_HALL, YIMEN_PRINTER, YIMEN_PUBLIC_URL,
// YIMEN_ADMIN_PASSWORD and YIMEN_VOICE_DIR give defaults.
func (m *Main) ParseFlags(args []string) error {
	fs := m.flagSet()
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Errorf("serve: %w (yimen --help lists the flags)", err)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))}
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "admin-password" {
			fmt.Fprintln(m.stderr, "yimen: warning: --admin-password is readable by every user of this machine (process list); use --admin-password-file or YIMEN_ADMIN_PASSWORD")
		}
	})
	if m.AdminPasswordFile != "" {
		pw, err := readPasswordFile(m.AdminPasswordFile)
		if err != nil {
			return usageError{fmt.Errorf("--admin-password-file: %w", err)}
		}
		m.AdminPassword = pw
	}
	if _, _, err := net.SplitHostPort(m.Addr); err != nil {
		return usageError{fmt.Errorf("--addr %q: %w", m.Addr, err)}
	}
	for _, b := range m.Bridges {
		if !strings.HasPrefix(b, "serial:") {
			return usageError{fmt.Errorf("--bridge %q: only serial:PATH?baud=N is supported", b)}
		}
	}
	return m.checkCountyFlags()
}

// flagSet declares serve's flags, bound to m, with their environment
// defaults; --help prints the same set.
func (m *Main) flagSet() *flag.FlagSet {
	env := func(k, def string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("yimen serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&m.Addr, "addr", env("YIMEN_ADDR", m.Addr), "listen `HOST:PORT`; port 0 picks a free port")
	fs.StringVar(&m.DataDir, "data", env("YIMEN_DATA", m.DataDir), "the data directory `DIR` (the bbolt file lives here)")
	fs.StringVar(&m.BackupDir, "backup-dir", env("YIMEN_BACKUP_DIR", ""), "copy the hall file to `DIR` every day (a USB stick), checked")
	fs.IntVar(&m.BackupKeep, "backup-keep", m.BackupKeep, "daily copies kept in --backup-dir")
	fs.BoolVar(&m.Init, "init", false, "start a new hall even though the data directory's file is empty (it had a hall once)")
	fs.StringVar(&m.HallFile, "hall", env("YIMEN_HALL", m.HallFile), "hall configuration `FILE` (JSON); the demo hall without it")
	fs.StringVar(&m.PrinterURI, "printer", env("YIMEN_PRINTER", m.PrinterURI), "ticket printer `URI`: sim, none, serial:PATH?baud=N, tcp:HOST:PORT, file:PATH")
	fs.Var(listFlag{&m.Bridges}, "bridge", "device bus `URI`, repeatable: serial:PATH?baud=N")
	fs.StringVar(&m.PublicURL, "public-url", env("YIMEN_PUBLIC_URL", m.PublicURL), "`URL` phones use for the ticket page (QR code), e.g. http://192.168.1.10:8080")
	fs.IntVar(&m.IssueRate, "issue-rate", m.IssueRate, "tickets per minute one kiosk address may take; 0: no limit")
	fs.StringVar(&m.AdminPassword, "admin-password", env("YIMEN_ADMIN_PASSWORD", ""), "set the manager's password `PW` (stored hashed)")
	fs.StringVar(&m.AdminPasswordFile, "admin-password-file", env("YIMEN_ADMIN_PASSWORD_FILE", ""), "set the manager's password from the first line of `FILE` (stored hashed)")
	fs.IntVar(&m.PhoneTickets, "phone-tickets", m.PhoneTickets, "numbers an hour one phone may take without a kiosk; 0: kiosks only")
	fs.StringVar(&m.VoiceDir, "voice-dir", env("YIMEN_VOICE_DIR", ""), "directory `DIR` of the hall's own voice clips (same names as the embedded ones)")
	fs.StringVar(&m.HallID, "hall-id", env("YIMEN_HALL_ID", ""), "the hall's `ID` for its county (a-z, 0-9, '-'); wins over \"id\" in the hall file")
	fs.Var(listFlag{&m.County}, "county", "the county hub's leafnode `URL`, repeatable for a hub cluster: nats://HOST:7422 (without it nothing is sent or kept for a county)")
	fs.StringVar(&m.CountyCreds, "county-creds", env("YIMEN_COUNTY_CREDS", ""), "`FILE` holding one line USER:PASSWORD, the hall's own user on the county hub (chmod 600)")
	return fs
}

// Run opens the store, rebuilds the hall, starts the devices and the web
// server, writes the listening line and returns; the daemon serves until
// Close.
func (m *Main) Run(ctx context.Context) error {
	ctx, m.stop = context.WithCancel(context.WithoutCancel(ctx))
	if err := m.loadHall(); err != nil {
		return err
	}
	// Bind first: a busy port must fail the start before anything is
	// generated that only this start would know (the first password).
	var err error
	if m.ln, err = net.Listen("tcp", m.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Addr, err)
	}
	open := bolt.Open
	if m.Init {
		open = bolt.OpenInit
	}
	store, err := open(m.DataDir, 2*time.Second)
	if errors.Is(err, bolt.ErrLocked) {
		return fmt.Errorf("%w: is another yimen running with --data %s?", err, m.DataDir)
	}
	if err != nil {
		return err
	}
	m.store = store
	if m.engine, err = queue.NewEngine(m.hall, store, queue.Options{
		Now: m.Now, Logger: m.logger,
		OnClock: func(msg string) {
			if m.hub != nil { // commands before the hub exists are the hall's import
				m.hub.SetAlarm(display.Alarm{Source: "clock", Level: "error", Text: msg})
			}
		},
		OnClockRight: func() {
			if m.hub != nil {
				m.hub.ClearAlarm("clock")
			}
		},
		OnFailure: func(err error) {
			m.hub.SetAlarm(display.Alarm{Source: "store", Level: "error",
				Text: "记录无法写入（磁盘已满或损坏？），已停止取号叫号，请检查后重启服务：" + err.Error()})
		},
	}); err != nil {
		return err
	}
	if err := m.importHall(ctx); err != nil {
		return err
	}
	m.hub = display.Follow(m.engine, display.Options{Logger: m.logger, Now: m.Now})
	if err := m.startLink(); err != nil {
		return err
	}

	adminHash, firstPassword, err := m.adminPassword()
	if err != nil {
		return err
	}
	if err := m.openPrinter(); err != nil {
		return err
	}
	auth := web.NewAuth(m.engine.Hall(), adminHash, m.Now, m.HashCost)
	if _, err := m.engine.Subscribe(func(evs []queue.Event) {
		for _, ev := range evs {
			if ev.Type == queue.EvHall {
				auth.SetHall(m.engine.Hall())
				return
			}
		}
	}); err != nil {
		return err
	}
	devices, err := m.startBridges(ctx, auth)
	if err != nil {
		return err
	}
	var kp kiosk.Printer
	if m.printer != nil {
		kp = m.printer
	}
	kiosks, err := web.NewKiosks(m.store, m.Now)
	if err != nil {
		return err
	}
	m.web = web.New(web.Config{
		Engine: m.engine, Hub: m.hub,
		Kiosk:  kiosk.New(m.engine, kp, kiosk.Options{Logger: m.logger}),
		Auth:   auth,
		Logger: m.logger, Now: m.Now, PublicURL: m.PublicURL, IssueRate: m.IssueRate,
		Printer: m.printer, Devices: devices, VoiceDir: m.VoiceDir,
		Summaries: m.store, Backup: m.store.Backup,
		Kiosks: kiosks, PhoneTickets: m.PhoneTickets,
	})

	if firstPassword != "" {
		// Stored and shown only now that nothing else can fail this start.
		if err := m.store.PutMeta(adminKey, adminHash); err != nil {
			return err
		}
		fmt.Fprintf(m.stderr, "yimen: first start: the manager's password is %s (shown once; change it with yimen reset-password)\n", firstPassword)
	}
	if m.PublicURL == "" {
		m.logger.Warn("no --public-url: ticket QR codes point at the daemon's own address the kiosk connected to (127.0.0.1 on the kiosk itself); give --public-url http://LAN-ADDRESS:PORT so that phones can open them")
	}
	// Slow clients end on their own (a request's headers and body must
	// arrive within the read timeouts), and the connection guard keeps
	// room for new ones, /healthz included, however many a stranger opens.
	guard := web.NewConnGuard(maxConns())
	m.server = &http.Server{
		Handler:           m.web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       time.Minute,
		ConnState:         guard.ConnState,
		ErrorLog:          slog.NewLogLogger(m.logger.Handler(), slog.LevelWarn),
	}
	go m.server.Serve(guard.Listener(m.ln))
	if m.ComplaintCheck <= 0 {
		m.ComplaintCheck = time.Minute
	}
	m.complaintsDone = make(chan struct{})
	go m.watchComplaints(ctx, m.ComplaintCheck, m.complaintsDone)
	m.casesDone = make(chan struct{})
	go m.watchCases(ctx, m.ComplaintCheck, m.casesDone)
	m.startBackups(ctx)
	m.startLogCheck(ctx)
	m.URL = "http://" + m.ln.Addr().String()
	fmt.Fprintf(m.stderr, "yimen: listening on %s\n", m.URL)
	if !kiosks.Paired() {
		// A first start has no kiosk: one link, used once within half an
		// hour, pairs the screen that opens it. Later kiosks are approved
		// on /admin.
		fmt.Fprintf(m.stderr, "yimen: no kiosk is paired yet: open %s/kiosk/pair/%s on the kiosk screen (works once, for 30 minutes), or approve it on /admin\n",
			m.URL, kiosks.PairLink("取号机 1"))
	}
	return nil
}

func (m *Main) loadHall() error {
	if m.HallFile == "" {
		m.hall = queue.DemoHall()
		m.logger.Warn("running the demo hall; its PINs are public (see README): give --hall for a real hall")
		return nil
	}
	data, err := os.ReadFile(m.HallFile)
	if err != nil {
		return usageError{fmt.Errorf("--hall: %w", err)}
	}
	m.hallSum = fileSum(data)
	h, err := queue.ParseHall(bytes.NewReader(data))
	if err == nil {
		err = h.CheckPINHashes()
	}
	if err != nil {
		return usageError{fmt.Errorf("--hall %s: %w", m.HallFile, flatten(err))}
	}
	m.hall = h
	return nil
}

// flatten puts joined validation errors on one line: the contract asks for
// one line saying what is wrong and where.
func flatten(err error) error {
	return errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))
}

const adminKey = "admin_password_hash"

// adminPassword returns the manager's password hash: the one given by flag
// or environment (stored, replacing the old), the stored one, or on the
// very first start a new random one, returned in clear as well for Run to
// store and print once the start cannot fail any more.
func (m *Main) adminPassword() (hash []byte, first string, err error) {
	if m.AdminPassword != "" {
		h, err := web.HashPassword(m.AdminPassword, m.HashCost)
		if err != nil {
			return nil, "", err
		}
		return h, "", m.store.PutMeta(adminKey, h)
	}
	h, err := m.store.GetMeta(adminKey)
	if err != nil || h != nil {
		return h, "", err
	}
	pw := web.NewPassword()
	if h, err = web.HashPassword(pw, m.HashCost); err != nil {
		return nil, "", err
	}
	return h, pw, nil
}

// Close stops the daemon in the reverse order of Run: web server, devices,
// printer, engine (which saves a snapshot), store.
func (m *Main) Close() error {
	var errs []error
	if m.server == nil && m.ln != nil {
		m.ln.Close() // a start that failed after binding
	}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		if err := m.server.Shutdown(ctx); err != nil {
			m.server.Close()
		}
		cancel()
		m.web.Close() // screens: hijacked connections outlive Shutdown
	}
	if m.stop != nil {
		m.stop()
	}
	if m.complaintsDone != nil {
		<-m.complaintsDone
	}
	if m.casesDone != nil {
		<-m.casesDone
	}
	if m.backupDone != nil {
		<-m.backupDone // it reads the store
	}
	if m.logCheckDone != nil {
		<-m.logCheckDone // it reads the store too
	}
	for _, b := range m.bridges {
		errs = append(errs, b.Close())
	}
	if m.printer != nil {
		errs = append(errs, m.printer.Close())
	}
	if m.link != nil { // it reads the log
		errs = append(errs, m.link.Close())
	}
	if m.hub != nil {
		m.hub.Close()
	}
	if m.engine != nil {
		errs = append(errs, m.engine.Close())
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	return errors.Join(errs...)
}
