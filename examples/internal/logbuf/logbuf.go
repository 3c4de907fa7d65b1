// Package logbuf buffers a server's log output: one write(2) per access-log
// line was the largest single cost of a small request, and buffering turns
// hundreds of them into one.
package logbuf

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// Writer buffers log output and writes it out when the buffer fills, at
// least every interval, and on Close. The price: a crash loses at most
// interval's worth of log. It is safe for concurrent use.
type Writer struct {
	mu     sync.Mutex
	buf    *bufio.Writer
	closed bool

	stop chan struct{}
	done chan struct{}
}

// New returns a Writer in front of out, flushed every interval. Close it.
func New(out io.Writer, interval time.Duration) *Writer {
	l := &Writer{buf: bufio.NewWriterSize(out, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go l.flushEvery(interval)
	return l
}

// Write buffers p. slog handlers write each record in one call, so lines
// never interleave. Writes after Close go straight through.
func (l *Writer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.buf.Write(p)
	if l.closed && err == nil {
		err = l.buf.Flush()
	}
	return n, err
}

func (l *Writer) flushEvery(interval time.Duration) {
	defer close(l.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.Flush()
		case <-l.stop:
			return
		}
	}
}

// Flush writes out what is buffered.
func (l *Writer) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.buf.Flush()
}

// Close stops the periodic flush and writes out what is left. Later writes
// (from a process-wide logger that outlives the server, say) are written
// out at once. Closing twice is harmless.
func (l *Writer) Close() error {
	l.mu.Lock()
	already := l.closed
	l.closed = true
	l.mu.Unlock()
	if !already {
		close(l.stop)
		<-l.done
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Flush()
}
