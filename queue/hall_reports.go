package queue

import (
	"encoding/json"
	"time"
)

// The hall's reporting settings. They are read from the hall file's own
// fields (kept in Extra by the loader) so that a hall file written before
// they existed still loads, and the defaults below apply. Market days are
// the hall's Market (hours.go).
//
//	"target_wait_minutes": 15       the wait the hall promises (服务承诺)
//	"followup_days": 3               days to follow up a low rating

// DefaultTargetWait is the promised wait when the hall sets none.
const DefaultTargetWait = 15 * time.Minute

// DefaultFollowupDays is how long a low rating may stay open by default.
const DefaultFollowupDays = 3

func (h *Hall) extraNumber(key string) (float64, bool) {
	raw, ok := h.Extra[key]
	if !ok {
		return 0, false
	}
	var v float64
	if json.Unmarshal(raw, &v) != nil || v <= 0 {
		return 0, false
	}
	return v, true
}

// TargetWait is the hall's promised wait, the bar of the ledger's share
// served within target and of the window recommendation.
func (h *Hall) TargetWait() time.Duration {
	if v, ok := h.extraNumber("target_wait_minutes"); ok {
		return time.Duration(v * float64(time.Minute))
	}
	return DefaultTargetWait
}

// FollowupDays is how many days a low rating may wait for its follow-up.
func (h *Hall) FollowupDays() int {
	if v, ok := h.extraNumber("followup_days"); ok {
		return int(v)
	}
	return DefaultFollowupDays
}

// MarketDays is the hall's market-day rule (hall file "market_days",
// see MarketDays in hours.go): the last digits of the day of the month on
// which the market is held. Empty when the hall has none.
func (h *Hall) MarketDays() []int {
	if h.Market == nil {
		return nil
	}
	return h.Market.Every
}

// IsMarketDay reports whether a date is one of the hall's market days.
func (h *Hall) IsMarketDay(day time.Time) bool {
	for _, d := range h.MarketDays() {
		if day.Day()%10 == d {
			return true
		}
	}
	return false
}
