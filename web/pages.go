package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/yimen-hall/yimen/queue"
)

// The pages are plain HTML templates, one stylesheet and a few vanilla
// scripts, embedded so the daemon is one file and a TV box needs nothing
// but a browser.
//
//go:embed templates/*.html static
var pageFS embed.FS

// asset is one static file, kept gzipped too, served under a URL carrying
// its content hash so browsers may cache it for a year.
type asset struct {
	name, ctype, hash string
	body, gz          []byte
}

// pageSet holds the parsed templates and the static files.
type pageSet struct {
	tmpl   *template.Template
	assets map[string]*asset
}

// loadPages reads the embedded files; it panics on a broken template, which
// a test catches before any release.
func loadPages() *pageSet {
	ps := &pageSet{assets: map[string]*asset{}}
	err := fs.WalkDir(pageFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := pageFS.ReadFile(p)
		if err != nil {
			return err
		}
		ps.assets[strings.TrimPrefix(p, "static/")] = newAsset(strings.TrimPrefix(p, "static/"), body)
		return nil
	})
	if err != nil {
		panic("web: embedded static files: " + err.Error())
	}
	ps.tmpl = template.Must(template.New("").Funcs(template.FuncMap{
		// asset gives a static file's cache-busting URL.
		"asset": func(name string) string {
			a, ok := ps.assets[name]
			if !ok {
				panic("web: no static file " + name)
			}
			return "/static/" + name + "?v=" + a.hash
		},
	}).ParseFS(pageFS, "templates/*.html"))
	return ps
}

func newAsset(name string, body []byte) *asset {
	sum := sha256.Sum256(body)
	a := &asset{name: name, body: body, hash: hex.EncodeToString(sum[:6])}
	a.ctype = mime.TypeByExtension(path.Ext(name))
	if a.ctype == "" {
		a.ctype = "application/octet-stream"
	}
	if compressible(a.ctype) {
		a.gz = gzipBytes(body)
	}
	return a
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") || strings.Contains(ctype, "svg")
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// serve answers with the asset: ETag always, a year's cache when the URL
// carries the current hash.
func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	etag := `"` + a.hash + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Content-Type", a.ctype)
	h.Set("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeMaybeGzip(w, r, a.body, a.gz)
}

// writeMaybeGzip writes body, or its gzipped form when the client takes it.
func writeMaybeGzip(w http.ResponseWriter, r *http.Request, body, gz []byte) {
	if gz != nil && len(gz) < len(body) && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz)
		return
	}
	w.Write(body)
}

// pageData is what every page template gets.
type pageData struct {
	Title  string // the <title>, after the hall's name
	Page   string // body class and the page's script
	Hall   string
	Window string // the window screen's window id
	Token  string // the ticket page's token
	Status int
}

// pageRoutes registers the embedded pages.
func (s *Server) pageRoutes(m *http.ServeMux) {
	ps := loadPages()
	page := func(name, title string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s.renderPage(w, r, ps, name, pageData{Title: title, Page: name})
		}
	}
	m.HandleFunc("GET /{$}", page("index", "首页"))
	m.HandleFunc("GET /kiosk", page("kiosk", "自助取号"))
	m.HandleFunc("GET /book", page("book", "手机预约"))
	m.HandleFunc("GET /clerk", page("clerk", "窗口叫号"))
	m.HandleFunc("GET /display", page("display", "综合屏"))
	m.HandleFunc("GET /admin", page("admin", "大厅管理"))
	m.HandleFunc("GET /admin/hall", page("admin_hall", "大厅配置"))
	m.HandleFunc("GET /display/window/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		win, ok := s.engine.Hall().Window(id)
		if !ok {
			s.renderPage(w, r, ps, "notfound", pageData{Title: "没有这个窗口", Page: "notfound", Status: http.StatusNotFound})
			return
		}
		s.renderPage(w, r, ps, "window", pageData{Title: win.Name, Page: "window", Window: win.ID})
	})
	m.HandleFunc("GET /t/{token}", func(w http.ResponseWriter, r *http.Request) {
		token := r.PathValue("token")
		if !s.ticketExists(token) {
			s.renderPage(w, r, ps, "notfound", pageData{Title: "号票不存在", Page: "notfound", Status: http.StatusNotFound})
			return
		}
		s.renderPage(w, r, ps, "ticket", pageData{Title: "我的排队", Page: "ticket", Token: token})
	})
	m.HandleFunc("GET /t/{token}/qr.png", s.ticketQR)
	m.HandleFunc("GET /book/qr.png", s.bookQR)
	m.HandleFunc("GET /static/{name...}", func(w http.ResponseWriter, r *http.Request) {
		a, ok := ps.assets[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		a.serve(w, r)
	})
	s.voiceRoutes(m)
	s.pageAPIRoutes(m)
	s.ledgerRoutes(m, ps)
}

func (s *Server) ticketExists(token string) bool {
	found := false
	s.engine.Read(func(st *queue.State) {
		_, found = st.TicketByToken(token)
		if !found {
			_, found = st.CaseByToken(token)
		}
	})
	return found
}

// renderPage renders a page template (gzipped when the client takes it).
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, ps *pageSet, name string, d pageData) {
	d.Hall = s.engine.Hall().Name
	var buf bytes.Buffer
	if err := ps.tmpl.ExecuteTemplate(&buf, name+".html", d); err != nil {
		s.logger.Error("page: render", "page", name, "err", err)
		http.Error(w, "页面出错", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	h.Set("Referrer-Policy", "no-referrer")
	var gz []byte
	if buf.Len() > 1024 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		gz = gzipBytes(buf.Bytes())
	}
	if gz != nil {
		h.Set("Content-Encoding", "gzip")
	}
	if d.Status != 0 {
		w.WriteHeader(d.Status)
	}
	if gz != nil {
		w.Write(gz)
		return
	}
	w.Write(buf.Bytes())
}
