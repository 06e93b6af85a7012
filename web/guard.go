package web

import (
	"mime"
	"net/http"
	"net/url"
)

// contentSecurityPolicy allows the pages' own scripts only: no inline
// script, no other site's, no framing of the hall's pages by another page.
// Styles may be inline (the printer preview and the charts set them).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; media-src 'self' blob: data:; connect-src 'self'; font-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func setSecurityHeaders(h http.Header) {
	for k, v := range securityHeaders {
		h[k] = v
	}
}

// securityHeaders go on every answer. Their values are shared, not built
// for each request: nothing changes a value in place (an Add would append
// past the full slice into a new one).
var securityHeaders = http.Header{
	"X-Content-Type-Options":  {"nosniff"},
	"Content-Security-Policy": {contentSecurityPolicy},
	"X-Frame-Options":         {"DENY"},
	"Referrer-Policy":         {"no-referrer"},
}

// guard refuses state-changing requests another site could have made a
// browser send. A request that changes anything must say it is JSON (a
// form or a text/plain POST cannot, without a CORS preflight the daemon
// never grants), and a browser's Sec-Fetch-Site or Origin must name this
// daemon; SameSite cookies are a second line, not the only one.
func (s *Server) guard(w http.ResponseWriter, r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	if err := s.csrf.Check(r); err != nil {
		failWith(w, http.StatusForbidden, "cross_origin", "拒绝来自其他网站的请求")
		return false
	}
	ct := r.Header.Get("Content-Type")
	if ct == "application/json" {
		return true // as every kiosk and page sends it, without parsing
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		failWith(w, http.StatusUnsupportedMediaType, "json_only", "请求须为 JSON（Content-Type: application/json）")
		return false
	}
	return true
}

// originOf is the scheme://host[:port] of an address, for the trusted
// origin list.
func originOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || p.Host == "" {
		return ""
	}
	return p.Scheme + "://" + p.Host
}
