package queue

import (
	"reflect"
	"slices"
)

// Clone returns a deep copy of the state. It copies values directly
// rather than through the snapshot's encoding: a busy day's hundreds of
// thousands of tickets are copied at start-up for every reader of the
// committed state, and must not hold the start back for seconds.
func (s *State) Clone() (*State, error) {
	v := reflect.ValueOf(s).Elem()
	out := reflect.New(v.Type()).Elem()
	deepCopy(out, v)
	c := out.Addr().Interface().(*State)
	// The copy shares the hall: a Hall is never changed once a state
	// holds it. The indexes are rebuilt over the copied tickets.
	c.attach(s.hall)
	return c, nil
}

var ticketsType = reflect.TypeFor[map[string]*Ticket]()

// deepCopy copies src into dst, following pointers, maps and slices, so
// that nothing reachable through an exported field is shared. Unexported
// fields are copied as they are (the state's indexes, rebuilt by attach).
func deepCopy(dst, src reflect.Value) {
	switch {
	case src.Type() == ticketsType && !src.IsNil():
		// The bulk of a state; copied without reflection.
		in := src.Interface().(map[string]*Ticket)
		m := make(map[string]*Ticket, len(in))
		for id, t := range in {
			c := *t
			c.Transfers = slices.Clone(t.Transfers)
			m[id] = &c
		}
		dst.Set(reflect.ValueOf(m))
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
