package federation

import "testing"

func TestCheckHallID(t *testing.T) {
	for _, ok := range []string{"demo", "dongzhen", "x", "a-1", "abcdefghijabcdefghijabcdefghij12"} {
		if err := CheckHallID(ok); err != nil {
			t.Errorf("CheckHallID(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "1abc", "Demo", "a.b", "a*", "a>", "a b", "东镇", "abcdefghijabcdefghijabcdefghij123"} {
		if CheckHallID(bad) == nil {
			t.Errorf("CheckHallID(%q) = nil, want an error", bad)
		}
	}
}

func TestSubjects(t *testing.T) {
	if got := EventsSubject("demo"); got != "yimen.demo.events" {
		t.Errorf("EventsSubject = %q", got)
	}
	if got := MsgID("demo", 42); got != "demo:42" {
		t.Errorf("MsgID = %q", got)
	}
	if got := APIPrefix("county"); got != "$JS.county.API" {
		t.Errorf("APIPrefix = %q", got)
	}
}
