package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// benchAdminPassword is the manager's password of a benchmark's daemon.
const benchAdminPassword = "bench-admin"

// request sends a JSON request to the benchmark's daemon, with a bearer
// token when given (a clerk's session or a kiosk's credential).
func (c *child) request(hc *http.Client, method, path, token, body string) (*http.Response, error) {
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return hc.Do(req)
}

// call sends a request and decodes its JSON answer into v; any status but
// want is an error.
func (c *child) call(method, path, token, body string, want int, v any) error {
	resp, err := c.request(http.DefaultClient, method, path, token, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s %s", method, path, resp.Status, data)
	}
	return json.Unmarshal(data, v)
}

// kioskToken signs the manager in and pairs a kiosk, as an integrator's
// script does (POST /api/admin/kiosks): numbers are issued with it.
func (c *child) kioskToken() (string, error) {
	var admin, kiosk struct{ Token string }
	if err := c.call("POST", "/api/admin/login", "", `{"password":"`+benchAdminPassword+`"}`, http.StatusOK, &admin); err != nil {
		return "", err
	}
	if err := c.call("POST", "/api/admin/kiosks", admin.Token, `{"name":"bench"}`, http.StatusCreated, &kiosk); err != nil {
		return "", err
	}
	return kiosk.Token, nil
}
