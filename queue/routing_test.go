package queue_test

import "testing"

func TestRouting(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fixture)
		svc   string
		want  string // the category prefix the new number gets
	}{
		{"single category", nil, "pension", "B"},
		{"all closed: tie goes to the first listed", nil, "medicare", "B"},
		{"all closed: fewer waiting wins", func(f *fixture) {
			f.issue("pension", false)
		}, "medicare", "D"},
		{"an open category beats a closed one", func(f *fixture) {
			f.open("6", "A6")
		}, "medicare", "D"},
		{"open windows share the line", func(f *fixture) {
			// civil: 3 waiting over 2 open windows (2 and 3) = 7.5 min;
			// health: 4 waiting over 1 open window (3; 6 is closed) = 20 min.
			f.open("2", "A2")
			f.open("3", "A3")
			for range 3 {
				f.issue("pension", false)
			}
			f.issue("birth", false)
			f.issue("birth", false)
			f.issue("birth", false)
			f.issue("birth", false)
		}, "medicare", "B"},
		{"recent service time weighs in", func(f *fixture) {
			// farm takes 10 min a ticket, civil 5: one waiting in farm
			// (10 min) is worse than one in civil (5 min).
			f.open("7", "A7")
			f.open("2", "A2")
			f.issue("subsidy", false) // farm and civil both empty: farm listed first
			f.issue("pension", false)
		}, "subsidy", "B"},
		{"a paused window does not count as open", func(f *fixture) {
			f.open("6", "A6")
			f.open("2", "A2")
			if _, err := f.e.Pause(ctx, "6", "A6", "接电话"); err != nil {
				t.Fatal(err)
			}
			f.issue("pension", false)
			f.issue("pension", false)
		}, "medicare", "B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, smallHall)
			if tt.setup != nil {
				tt.setup(f)
			}
			got := f.issue(tt.svc, false).Ticket.Number[:1]
			if got != tt.want {
				t.Errorf("new %s ticket went to %s, want %s", tt.svc, got, tt.want)
			}
		})
	}
}

func TestUnknownService(t *testing.T) {
	f := newFixture(t, smallHall)
	_, err := f.e.Issue(ctx, "nope", false)
	if code(err) != "unknown_service" {
		t.Fatalf("Issue(nope) = %v, want unknown_service", err)
	}
}

func TestIssuedAnswer(t *testing.T) {
	f := newFixture(t, smallHall)
	f.open("2", "A2")
	f.issue("pension", false)
	f.issue("pension", false)
	is := f.issue("pension", false)
	if is.Ahead != 2 {
		t.Errorf("ahead = %d, want 2", is.Ahead)
	}
	// Two ahead, 5 minutes each, one window open.
	if is.Wait.Minutes() != 10 {
		t.Errorf("wait = %v, want 10m", is.Wait)
	}
	if len(is.Ticket.Token()) < 26 {
		t.Errorf("token %q is too short to be unguessable", is.Ticket.Token())
	}
}
