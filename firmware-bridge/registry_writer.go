package bridge

import (
	"errors"
	"log/slog"
	"sync"
)

// A registry write is an fsync: milliseconds on a hall PC's disk, seconds
// on a dying one. Every device's polling, HELLO and the manager's views
// wait on Bridge.mu, so the bridge never writes under it: a change is
// queued under Bridge.mu, hence in the order the changes were made, and
// one writer writes the queue in that order once the lock is released.
// A change the manager is told is done (Assign, Approve, Forget) waits for
// its write first; the others (a device seen again) do not.

// errRegistryClosed answers a change queued after the bridge stopped.
var errRegistryClosed = errors.New("bridge: registry closed")

// registryWriter writes the device changes to the Registry, in order, off
// Bridge.mu.
type registryWriter struct {
	reg Registry
	log *slog.Logger

	mu      sync.Mutex
	queue   []*regWrite // not yet being written, in the order made
	running bool        // a writer goroutine drains queue
	closed  bool
	wg      sync.WaitGroup // the writer goroutine
}

// regWrite is one queued change: a device's record to store, or its
// removal. done is closed once it is written, with err set.
type regWrite struct {
	hwid string
	info DeviceInfo // stored unless del
	del  bool
	done chan struct{}
	err  error
}

func newRegistryWriter(reg Registry, log *slog.Logger) *registryWriter {
	return &registryWriter{reg: reg, log: log}
}

// save queues storing a device's record.
func (w *registryWriter) save(d DeviceInfo) *regWrite {
	return w.put(&regWrite{hwid: d.HWID, info: d})
}

// remove queues forgetting a device's record.
func (w *registryWriter) remove(hwid string) *regWrite {
	return w.put(&regWrite{hwid: hwid, del: true})
}

// put queues c, starting the writer when none runs. A change of the same
// device as the last one queued replaces it (nothing between them is
// written in the meantime, so the order is kept) and is written with it.
func (w *registryWriter) put(c *regWrite) *regWrite {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		c.err, c.done = errRegistryClosed, make(chan struct{})
		close(c.done)
		return c
	}
	if n := len(w.queue); n > 0 && w.queue[n-1].hwid == c.hwid {
		last := w.queue[n-1]
		last.info, last.del = c.info, c.del
		return last
	}
	c.done = make(chan struct{})
	w.queue = append(w.queue, c)
	if !w.running {
		w.running = true
		w.wg.Add(1)
		go w.run()
	}
	return c
}

// run writes the queue in order until it is empty.
func (w *registryWriter) run() {
	defer w.wg.Done()
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		c := w.queue[0]
		w.queue[0] = nil
		w.queue = w.queue[1:]
		w.mu.Unlock()
		if c.del {
			c.err = w.reg.Delete(c.hwid)
		} else {
			c.err = w.reg.Save(c.info)
		}
		if c.err != nil {
			w.log.Error("保存设备失败", "hwid", c.hwid, "err", c.err)
		}
		close(c.done)
	}
}

// wait returns once c is written, with its error.
func (c *regWrite) wait() error {
	<-c.done
	return c.err
}

// close writes what is queued and refuses changes from then on.
func (w *registryWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.wg.Wait()
}
