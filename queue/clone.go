package queue

import (
	"maps"
	"reflect"
)

// Clone returns a copy of the state that changes apart from it. Tickets,
// most of a busy day, are shared, not copied (share.go): from now on each
// state copies a ticket before it changes it. Everything else is copied
// directly rather than through the snapshot's encoding. Clone changes
// which tickets s owns, so its caller holds whatever lock guards s's
// changes.
func (s *State) Clone() (*State, error) {
	c := s.copyFields()
	// The indexes of tickets are copied as they are (they hold the same
	// shared tickets); that of cases, which are copied, is rebuilt.
	c.byToken = s.byToken.clone() // nil stays nil (forgetTokens)
	c.issuedService, c.issuedCategory = maps.Clone(s.issuedService), maps.Clone(s.issuedCategory)
	c.queues, c.direct = cloneLines(s.queues), cloneLines(s.direct)
	c.indexCases()
	s.share(c)
	return c, nil
}

// frozen returns a copy of the state for a snapshot to encode while s
// moves on: what Marshal writes, without the indexes a snapshot does not
// hold (a busy day's lines and tokens, copied for nothing at every
// snapshot). It is only to be read.
func (s *State) frozen() *State {
	c := s.copyFields()
	c.queues, c.direct, c.byToken, c.issuedService, c.issuedCategory, c.casesByToken = nil, nil, nil, nil, nil, nil
	s.share(c)
	return c
}

// copyFields copies every exported field of s deeply (the tickets map,
// not the tickets) and shares the hall: a Hall is never changed once a
// state holds it.
func (s *State) copyFields() *State {
	v := reflect.ValueOf(s).Elem()
	out := reflect.New(v.Type()).Elem()
	deepCopy(out, v)
	c := out.Addr().Interface().(*State)
	c.hall = s.hall
	return c
}

func cloneLines(m map[string]*waitLines) map[string]*waitLines {
	out := make(map[string]*waitLines, len(m))
	for k, q := range m {
		c := &waitLines{}
		for _, p := range []struct{ to, from *line }{{&c.prio, &q.prio}, {&c.ord, &q.ord}, {&c.appt, &q.appt}} {
			p.to.t = append([]*Ticket(nil), p.from.waiting()...)
		}
		out[k] = c
	}
	return out
}

var ticketsType = reflect.TypeFor[map[string]*Ticket]()

// deepCopy copies src into dst, following pointers, maps and slices, so
// that nothing reachable through an exported field is shared, but for
// tickets (shared until changed). Unexported fields are copied as they
// are (the state's indexes, which Clone replaces).
func deepCopy(dst, src reflect.Value) {
	if src.Type() == ticketsType {
		if !src.IsNil() {
			dst.Set(reflect.ValueOf(maps.Clone(src.Interface().(map[string]*Ticket))))
		}
		return
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		deepCopy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			e := reflect.New(src.Type().Elem()).Elem()
			deepCopy(e, it.Value())
			m.SetMapIndex(it.Key(), e)
		}
		dst.Set(m)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		sl := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			deepCopy(sl.Index(i), src.Index(i))
		}
		dst.Set(sl)
	case reflect.Struct:
		dst.Set(src) // every field, unexported ones as they are
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}
