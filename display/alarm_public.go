package display

// Alarms go out on the public push, which any page on the hall's network
// may open: a stranger must learn from it neither which device is down,
// its number, nor the window it serves (a call pad that no longer
// answers is an invitation), nor whose case is late. The screens get each
// alarm as a bare notice of its level; the manager reads the detail from
// Hub.Alarms (GET /api/admin/alarms).

// PublicSource is the source every alarm has on the public push.
const PublicSource = "hall"

// publicAlarms strips alarms to what any screen may show.
func publicAlarms(list []Alarm) []Alarm {
	out := make([]Alarm, len(list))
	for i, a := range list {
		text := "工作人员有待处理的事项"
		if a.Level == "error" {
			text = "系统故障，工作人员正在处理"
		}
		out[i] = Alarm{Source: PublicSource, Level: a.Level, Text: text, At: a.At}
	}
	return out
}
