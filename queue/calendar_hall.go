package queue

// Calendar is the hall's working calendar, from its hours: the weekdays it
// opens (every day when hours list none), closed_dates and open_dates. A
// hall without hours counts promises in the statutory week, Monday to
// Friday.
func (h *Hall) Calendar() Calendar {
	if h.Hours == nil {
		return Calendar{Weekdays: officeWeek}
	}
	return Calendar{Weekdays: h.Hours.Weekdays, Closed: h.Hours.ClosedDates, Open: h.Hours.OpenDates}
}
