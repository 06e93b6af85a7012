package web

import (
	"fmt"
	"net/http"
)

// getBackup streams a consistent copy of the hall file (the manager saves
// it to a USB stick; yimen restore puts it back).
func (s *Server) getBackup(w http.ResponseWriter, r *http.Request) {
	if s.backup == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="yimen-%s.db"`, s.now().Format("20060102-1504")))
	if _, err := s.backup(w); err != nil {
		// Headers are gone; the client sees a cut-short download, and
		// yimen check on it says so.
		s.logger.Error("backup download failed", "err", err)
	}
}
