// Package display is the push hub behind the lobby TV, the window screens,
// the ticket pages and the LED boards.
//
// The hub shows the engine's committed state (Follow: no copy of its own,
// a patch built right after each durable event), so that what it sends
// always agrees with the log; NewHub keeps a copy instead, for tests. Every message is one JSON object with a type and a seq rising by
// exactly one. A new screen first gets a "snapshot" (the whole board); each
// later message is a patch of the same shape carrying only what changed
// (the windows, queues and staff it touched), plus fields of its own, e.g.
// a "called" message names the number and the window, and carries the
// call itself ("call") rather than the list of recent calls again.
//
// Messages are kept in a ring (the last 4096, at most 4 MB of them), so a
// screen that reconnects with the seq and boot id of its last message gets
// exactly what it missed, or a fresh snapshot when the ring no longer
// reaches back that far, the daemon has restarted, or it missed more than
// 64 messages. Subscribers (the web layer's pushers, one a core) are
// woken, never sent to: a slow one is not dropped and holds up nobody;
// when it runs it takes everything since each screen's seq the same way
// (Catchup, AppendCatchup), so a screen that fell behind is caught up with
// one snapshot instead of a backlog. Each message is encoded once, and
// framed once (Frame.Wire) for every screen.
package display
