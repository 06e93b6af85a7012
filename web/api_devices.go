package web

import (
	"errors"
	"net/http"
	"time"
)

// Pairing of hall devices (PROTOCOL.md §6): learn mode, approval and
// unpairing, for the manager only.

// DevicePairing is the part of the device bridge that pairs devices. The
// Devices given in Config implements it when pairing is available.
type DevicePairing interface {
	// Learn opens learn mode for d (d ≤ 0 closes it) and returns its end.
	Learn(d time.Duration) time.Time
	LearnUntil() time.Time
	Approve(hwid string) error
	Forget(hwid string) error
}

// ErrDeviceNotProposed and ErrDeviceOffline are what Approve's errors
// wrap when the device is not waiting for approval, or its Wi-Fi link is
// gone (the bridge's errors satisfy errors.Is through these).
var (
	ErrDeviceNotProposed = errors.New("device not proposed")
	ErrDeviceOffline     = errors.New("device offline")
)

func (s *Server) pairing(w http.ResponseWriter) (DevicePairing, bool) {
	p, ok := s.devices.(DevicePairing)
	if !ok {
		failWith(w, http.StatusNotFound, "no_bridge", "未启用设备桥")
	}
	return p, ok
}

func learnView(until time.Time) map[string]any {
	if until.IsZero() {
		return map[string]any{"learning": false}
	}
	return map[string]any{"learning": true, "until": until}
}

func (s *Server) getDeviceLearn(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pairing(w)
	if !ok {
		return
	}
	WriteJSON(w, http.StatusOK, learnView(p.LearnUntil()))
}

func (s *Server) postDeviceLearn(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pairing(w)
	if !ok {
		return
	}
	var req struct {
		Minutes int `json:"minutes"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.Minutes < 0 || req.Minutes > 60 {
		failWith(w, http.StatusBadRequest, "bad_minutes", "学习模式时长应为 0 到 60 分钟")
		return
	}
	p.Learn(time.Duration(req.Minutes) * time.Minute)
	WriteJSON(w, http.StatusOK, learnView(p.LearnUntil()))
}

func (s *Server) postApproveDevice(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pairing(w)
	if !ok {
		return
	}
	if !decode(w, r, &struct{}{}) {
		return
	}
	if err := p.Approve(r.PathValue("hwid")); err != nil {
		switch {
		case errors.Is(err, ErrDeviceOffline):
			failWith(w, http.StatusConflict, "device_offline", "设备已断开，请等它重新连接后再确认")
		case errors.Is(err, ErrDeviceNotProposed):
			failWith(w, http.StatusNotFound, "not_proposed", "该设备没有待确认的配对请求（请先开启学习模式并给设备上电）")
		default:
			s.logger.Error("approve device", "hwid", r.PathValue("hwid"), "err", err)
			failWith(w, http.StatusBadGateway, "pair_failed", "配对失败：设备没有确认，请重试")
		}
		return
	}
	WriteJSON(w, http.StatusOK, s.devices.DevicesJSON())
}

func (s *Server) postForgetDevice(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pairing(w)
	if !ok {
		return
	}
	if !decode(w, r, &struct{}{}) {
		return
	}
	if err := p.Forget(r.PathValue("hwid")); err != nil {
		failWith(w, http.StatusNotFound, "unknown_device", "没有这个设备")
		return
	}
	WriteJSON(w, http.StatusOK, s.devices.DevicesJSON())
}
