package web

import "net/http"

// pageRoutes registers the embedded pages.
func (s *Server) pageRoutes(m *http.ServeMux) {}
