package queue_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// morning is 09:00 in Shanghai on 2026-11-21.
var morning = time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)

const smallHall = `{
  "name": "测试镇便民服务中心",
  "categories": [
    {"id": "civil",  "prefix": "B", "name": "民生事业", "service_minutes": 5},
    {"id": "health", "prefix": "D", "name": "卫生计生", "service_minutes": 5},
    {"id": "farm",   "prefix": "E", "name": "农业服务", "service_minutes": 10}
  ],
  "services": [
    {"id": "medicare", "name": "新农合报销", "categories": ["civil", "health"]},
    {"id": "pension",  "name": "养老保险",   "categories": ["civil"]},
    {"id": "birth",    "name": "生育登记",   "categories": ["health"]},
    {"id": "subsidy",  "name": "惠农补贴",   "categories": ["farm", "civil"]}
  ],
  "windows": [
    {"id": "2", "name": "2号窗口", "categories": ["civil"]},
    {"id": "3", "name": "3号窗口", "categories": ["civil", "health"]},
    {"id": "6", "name": "6号窗口", "categories": ["health"]},
    {"id": "7", "name": "7号窗口", "categories": ["farm"]}
  ],
  "staff": [
    {"id": "A2", "name": "甲", "pin": "111111", "windows": ["2"]},
    {"id": "A3", "name": "乙", "pin": "222222", "windows": ["3"]},
    {"id": "B3", "name": "丙", "pin": "333333", "windows": ["3", "2"]},
    {"id": "A6", "name": "丁", "pin": "444444", "windows": ["6"]},
    {"id": "A7", "name": "戊", "pin": "555555", "windows": ["7"]}
  ]
}`

func parseHall(t testing.TB, js string) *queue.Hall {
	t.Helper()
	h, err := queue.ParseHall(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

type fixture struct {
	t     testing.TB
	e     *queue.Engine
	log   *queuetest.MemLog
	clock *queuetest.Clock
	hall  *queue.Hall
}

func newFixture(t testing.TB, hallJSON string) *fixture {
	t.Helper()
	f := &fixture{t: t, log: new(queuetest.MemLog), clock: queuetest.NewClock(morning), hall: parseHall(t, hallJSON)}
	f.start()
	return f
}

func (f *fixture) start() {
	e, err := queue.NewEngine(f.hall, f.log, queue.Options{Now: f.clock.Now})
	if err != nil {
		f.t.Fatal(err)
	}
	f.e = e
	f.t.Cleanup(func() { e.Close() })
}

// restart stops the engine and rebuilds it from the log.
func (f *fixture) restart() {
	f.e.Close()
	f.start()
}

var ctx = context.Background()

func (f *fixture) issue(service string, priority bool) queue.Issued {
	f.t.Helper()
	is, err := f.e.Issue(ctx, service, priority)
	if err != nil {
		f.t.Fatalf("Issue(%s): %v", service, err)
	}
	return is
}

func (f *fixture) open(window, staff string) {
	f.t.Helper()
	if _, err := f.e.Open(ctx, window, staff); err != nil {
		f.t.Fatalf("Open(%s, %s): %v", window, staff, err)
	}
}

func (f *fixture) next(window, staff string) string {
	f.t.Helper()
	tk, err := f.e.Next(ctx, window, staff)
	if err != nil {
		f.t.Fatalf("Next(%s, %s): %v", window, staff, err)
	}
	if tk == nil {
		return ""
	}
	return tk.Number
}

func code(err error) string {
	var qe *queue.Error
	if e, ok := err.(*queue.Error); ok {
		qe = e
	}
	if qe == nil {
		return ""
	}
	return qe.Code
}
