package web

import (
	"context"
	"net/http"
	"sync"
)

// deviceLinks ends the device websockets when the server closes: they are
// hijacked connections, which http.Server.Shutdown neither closes nor
// waits for, and a device that keeps talking would outlive the daemon.
type deviceLinks struct {
	mu     sync.Mutex
	closed bool
	cancel map[*context.CancelFunc]struct{}
	wg     sync.WaitGroup
}

// serveDeviceWS serves one device link with a context that Close cancels.
func (s *Server) serveDeviceWS(w http.ResponseWriter, r *http.Request) {
	l := &s.devicesWS
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		http.Error(w, "服务正在停止", http.StatusServiceUnavailable)
		return
	}
	if l.cancel == nil {
		l.cancel = map[*context.CancelFunc]struct{}{}
	}
	l.cancel[&cancel] = struct{}{}
	l.wg.Add(1)
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.cancel, &cancel)
		l.mu.Unlock()
		l.wg.Done()
	}()
	s.devices.ServeWS(w, r.WithContext(ctx))
}

// close ends every device link and waits for their handlers.
func (l *deviceLinks) close() {
	l.mu.Lock()
	l.closed = true
	for c := range l.cancel {
		(*c)()
	}
	l.mu.Unlock()
	l.wg.Wait()
}
