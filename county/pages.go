package county

import (
	"embed"
	"html/template"
	"net/http"
)

//go:embed templates/*.html
var templatesFS embed.FS

// staticFS holds static/ (scripts and styles), served under /county/static/.
//
//go:embed static
var staticFS embed.FS

var pages = template.Must(template.ParseFS(templatesFS, "templates/*.html"))

// page serves one of the county's pages; each signs in through the API,
// so the page itself holds no data.
func (s *Service) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")
		w.Header().Set("X-Frame-Options", "DENY")
		if err := pages.ExecuteTemplate(w, name, nil); err != nil {
			s.cfg.Logger.Error("county: page", "page", name, "err", err)
		}
	}
}
