package queue

import (
	"bytes"
	_ "embed"
)

//go:embed demo_hall.json
var demoHall []byte

// DemoHall returns the embedded demo hall, a township hall modelled on the
// 乐昌镇便民服务中心: six categories, twenty services, eight windows with A
// and B posts. Its PINs are published in the README, so it is for trying
// Yimen out, not for a real hall.
func DemoHall() *Hall {
	h, err := ParseHall(bytes.NewReader(demoHall))
	if err != nil {
		panic("queue: embedded demo hall is invalid: " + err.Error())
	}
	return h
}
