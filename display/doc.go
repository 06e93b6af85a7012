// Package display is the push hub behind the lobby TV, the window screens,
// the ticket pages and the LED boards.
//
// The hub keeps its own copy of the hall's state, advanced only by events
// the engine has made durable, so that what it sends always agrees with
// the log. Every message is one JSON object with a type and a seq rising by
// exactly one. A new screen first gets a "snapshot" (the whole board); each
// later message is a patch of the same shape carrying only what changed
// (the windows, queues and staff it touched), plus fields of its own, e.g.
// a "called" message names the number and the window.
//
// Messages are kept in a ring, so a screen that reconnects with the seq
// and boot id of its last message gets exactly what it missed, or a fresh
// snapshot when the ring no longer reaches back that far or the daemon has
// restarted. A screen that cannot keep up is dropped rather than allowed
// to slow anyone else; it reconnects and catches up the same way. The hub
// itself has few subscribers, the websocket server's writer shards; one
// that falls behind is dropped too, and brings its screens up to date
// with a snapshot.
package display
