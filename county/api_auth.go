package county

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/yimen-hall/yimen/web"
)

type accountKey struct{}

// signedIn lets through a request whose account has one of roles.
func (s *Service) signedIn(h http.HandlerFunc, roles ...Role) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acct := s.auth.session(r)
		if acct == nil {
			writeError(w, http.StatusUnauthorized, "signed_out", "请先登录")
			return
		}
		if !slices.Contains(roles, acct.Role) {
			writeError(w, http.StatusForbidden, "forbidden", "您的账号不能做这件事")
			return
		}
		if r.Method != http.MethodGet && !jsonBody(r) {
			writeError(w, http.StatusUnsupportedMediaType, "json_only", "请求须为 JSON")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), accountKey{}, acct)))
	}
}

// accountOf is the signed-in account of a request past signedIn.
func accountOf(r *http.Request) *Account {
	a, _ := r.Context().Value(accountKey{}).(*Account)
	return a
}

// jsonBody says whether a request carries JSON: a form posted from another
// site cannot, so this and the SameSite cookie keep other pages out.
func jsonBody(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	web.WriteJSON(w, status, map[string]string{"error": code, "message": msg})
}

// readJSON decodes a small JSON body.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func (s *Service) apiLogin(w http.ResponseWriter, r *http.Request) {
	if !jsonBody(r) {
		writeError(w, http.StatusUnsupportedMediaType, "json_only", "请求须为 JSON")
		return
	}
	var in struct {
		User     string `json:"user"`
		Password string `json:"password"`
	}
	if err := readJSON(r, &in); err != nil || len(in.User) > 64 || len(in.Password) > 128 {
		writeError(w, http.StatusBadRequest, "bad_request", "请输入用户名和密码")
		return
	}
	src := web.SourceOf(r)
	if wait := s.auth.guard.pause(src); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		writeError(w, http.StatusTooManyRequests, "too_many_tries", fmt.Sprintf("密码错误次数太多，请 %d 秒后再试", int(wait.Seconds())+1))
		return
	}
	token, acct := s.auth.login(in.User, in.Password)
	s.auth.guard.done(src, acct != nil)
	if acct == nil {
		writeError(w, http.StatusUnauthorized, "wrong_password", "用户名或密码不对")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(sessionLife.Seconds()),
	})
	web.WriteJSON(w, http.StatusOK, me(acct))
}

func (s *Service) apiLogout(w http.ResponseWriter, r *http.Request) {
	s.auth.logout(r)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	web.WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// meView is the signed-in account as the pages see it.
type meView struct {
	User    string `json:"user"`
	Name    string `json:"name"`
	Role    Role   `json:"role"`
	Station string `json:"station,omitempty"`
}

func me(a *Account) meView { return meView{a.User, a.Name, a.Role, a.Station} }

func (s *Service) apiMe(w http.ResponseWriter, r *http.Request) {
	web.WriteJSON(w, http.StatusOK, me(accountOf(r)))
}

func (s *Service) apiAgents(w http.ResponseWriter, r *http.Request) {
	list, err := s.auth.agents()
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store", "读取账号失败")
		return
	}
	out := make([]meView, 0, len(list))
	for i := range list {
		out = append(out, me(&list[i]))
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Service) apiAddAgent(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User    string `json:"user"`
		Name    string `json:"name"`
		Station string `json:"station"`
	}
	if err := readJSON(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "请求有误")
		return
	}
	pw, err := s.auth.addAgent(in.User, in.Name, in.Station)
	switch {
	case errors.Is(err, errBadUser), errors.Is(err, errBadName):
		writeError(w, http.StatusBadRequest, "bad_account", err.Error())
	case errors.Is(err, errUserTaken):
		writeError(w, http.StatusConflict, "user_taken", err.Error())
	case err != nil:
		writeError(w, http.StatusServiceUnavailable, "store", "保存账号失败")
	default:
		web.WriteJSON(w, http.StatusCreated, map[string]any{
			"user": in.User, "name": in.Name, "station": in.Station, "role": RoleAgent, "password": pw,
		})
	}
}
