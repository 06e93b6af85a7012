package queue

// Failed is the error that stopped the event log from being written; nil
// while the log is written. A health check reports it.
func (e *Engine) Failed() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.failed
}
