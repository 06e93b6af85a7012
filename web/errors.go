package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/yimen-hall/yimen/queue"
)

// apiError is the contract's error body.
type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// Shared header values, as securityHeaders' are.
var (
	jsonContentType = []string{"application/json; charset=utf-8"}
	noStore         = []string{"no-store"}
)

// WriteJSON answers with a JSON body, never cached (the county service
// answers with it too).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h["Content-Type"], h["Cache-Control"] = jsonContentType, noStore
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// fail answers with an error in the contract's shape, mapping domain errors
// to their status in one place.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var qe *queue.Error
	switch {
	case errors.As(err, &qe):
		status := map[queue.Kind]int{
			queue.Invalid: http.StatusBadRequest, queue.NotFound: http.StatusNotFound,
			queue.Forbidden: http.StatusForbidden, queue.Conflict: http.StatusConflict,
			queue.Unavailable: http.StatusServiceUnavailable,
		}[qe.Kind]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		if status >= 500 {
			s.logger.Error("request failed", "route", r.Pattern, "err", err) // the pattern: a path can hold a ticket token
		}
		WriteJSON(w, status, apiError{Error: qe.Message, Code: qe.Code})
	default:
		s.logger.Error("request failed", "route", r.Pattern, "err", err) // the pattern: a path can hold a ticket token
		WriteJSON(w, http.StatusInternalServerError, apiError{Error: "服务器内部错误", Code: "internal"})
	}
}

func failWith(w http.ResponseWriter, status int, code, msg string) {
	WriteJSON(w, status, apiError{Error: msg, Code: code})
}

// maxBody caps every request body: the API's requests are a few hundred bytes.
const maxBody = 64 << 10

// bodies lends decode a buffer for a request's body: a kiosk's request is
// a few dozen bytes, read hundreds of times a second on a busy morning.
// Decoding copies what it keeps, so the buffer goes back at once. A
// buffer grown by a big body is left to the collector.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// decode reads a JSON request body into v; an empty body leaves v as is.
// It answers the client itself and returns false when the body is bad.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 4<<10 {
			bodies.Put(buf)
		}
	}()
	_, err := buf.ReadFrom(r.Body)
	body := buf.Bytes()
	if err == nil && json.Unmarshal(body, v) == nil {
		return true // one JSON value and nothing after it: the usual case
	}
	// Anything else is read again as a stream, which tells an empty body
	// from a bad one and a second value from a syntax error.
	var dec *json.Decoder
	if err == nil {
		dec = json.NewDecoder(bytes.NewReader(body))
		err = dec.Decode(v)
	}
	if err == nil && dec.More() {
		err = errTrailing
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil || (errors.Is(err, io.EOF) && r.ContentLength <= 0):
		return true
	case errors.As(err, &tooBig):
		failWith(w, http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("请求过大（上限 %d 字节）", maxBody))
	default:
		failWith(w, http.StatusBadRequest, "bad_json", "请求格式错误："+jsonProblem(err))
	}
	return false
}

// jsonProblem says what is wrong with a request body in words a reader
// can act on, never with the decoder's Go type names.
func jsonProblem(err error) string {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("JSON 写法有误（第 %d 个字节附近）", syn.Offset)
	case errors.As(err, &typ):
		want := map[reflect.Kind]string{
			reflect.String: "文本", reflect.Bool: "true 或 false", reflect.Slice: "列表", reflect.Array: "列表",
			reflect.Map: "对象", reflect.Struct: "对象", reflect.Pointer: "对象",
		}[typ.Type.Kind()]
		if want == "" {
			want = "数字"
		}
		if typ.Field == "" {
			return "应为一个 JSON 对象"
		}
		return fmt.Sprintf("字段 %s 应为%s", typ.Field, want)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "JSON 不完整"
	case errors.Is(err, errTrailing):
		return "JSON 对象之后还有多余内容"
	case strings.Contains(err.Error(), "json:") || strings.Contains(err.Error(), "Go "):
		return "JSON 格式不对"
	}
	return err.Error() // the hall's own checks, which name the field in words
}

var errTrailing = errors.New("trailing data after the JSON object")
