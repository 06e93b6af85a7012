package main

import (
	"fmt"
	"path/filepath"
	"runtime/debug"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/federation"
)

// The hall's side of its county (docs/county/protocol.md): with --county,
// an embedded NATS server with the hall's events in its own stream, a
// leaf of the county's hub. The hall never waits on any of it.

// checkCountyFlags checks --hall-id, --county and --county-creds before
// anything starts, so that a typo stops the start with one clear line.
func (m *Main) checkCountyFlags() error {
	if m.HallID != "" {
		if err := federation.CheckHallID(m.HallID); err != nil {
			return usageError{fmt.Errorf("--hall-id: %w", err)}
		}
	}
	for _, c := range m.County {
		if _, err := federation.ParseCountyURL(c); err != nil {
			return usageError{err}
		}
	}
	if m.CountyCreds != "" {
		if len(m.County) == 0 {
			return usageError{fmt.Errorf("--county-creds: give the hub with --county nats://HOST:7422 as well")}
		}
		user, pw, err := federation.ReadCreds(m.CountyCreds)
		if err != nil {
			return usageError{fmt.Errorf("--county-creds: %w", err)}
		}
		m.countyUser, m.countyPassword = user, pw
	}
	return nil
}

// hallID is the hall's id: --hall-id, else the live hall's, else "demo"
// for the demo hall; "" for a hall that has none (it does not link).
func (m *Main) hallID() string {
	switch {
	case m.HallID != "":
		return m.HallID
	case m.engine.Hall().ID != "":
		return m.engine.Hall().ID
	case m.HallFile == "":
		return "demo"
	}
	return ""
}

// startLink starts, with --county, the embedded server, the publisher
// and the county link in the background. Without --county it starts
// nothing and leaves DATA/nats as it is: nothing reads a hall's stream
// but its county, and the publisher sends the whole log from the hall's
// own yimen.db on the first link (or from the stream's last event, if an
// earlier version left one). An unused server cost a hall at full speed
// about a tenth of its CPU and a second copy of every event on disk.
func (m *Main) startLink() error {
	id := m.hallID()
	switch {
	case id == "" && len(m.County) > 0:
		return usageError{fmt.Errorf("--county: the hall has no id; set \"id\" in the hall file or give --hall-id (a-z, 0-9, '-')")}
	case id == "":
		m.logger.Info("no --county and the hall has no id: nothing is sent or kept for a county (to link, set \"id\" in the hall file or give --hall-id, and --county)")
		return nil
	case len(m.County) == 0:
		m.logger.Info("no --county: nothing is sent or kept for a county; started later with --county, the hall sends its whole log", "hall", id)
		return nil
	}
	m.link = federation.Start(federation.Config{
		Server: federation.ServerConfig{
			Hall: id, Dir: filepath.Join(m.DataDir, "nats"),
			County: m.County, User: m.countyUser, Password: m.countyPassword,
		},
		Hall: m.engine, Log: m.store, Logger: m.logger, Now: m.Now,
		Version: version(), Requests: m.engine.TakeRequest,
		Alarm: func(text string) {
			if text == "" {
				m.hub.ClearAlarm("county")
				return
			}
			m.hub.SetAlarm(display.Alarm{Source: "county", Level: "warn", Text: text})
		},
		LinkAlarm: func(text string) {
			if text == "" {
				m.hub.ClearAlarm("county_link")
				return
			}
			m.hub.SetAlarm(display.Alarm{Source: "county_link", Level: "warn", Text: text})
		},
	})
	m.logger.Info("linking to the county", "hall", id, "hub", m.County)
	return nil
}

// version is the module version the binary was built from ("devel" in a
// work tree).
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}
