package sqlutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit. On SQLite every commit waits for an fsync of the WAL
// (synchronous=FULL), and there is one writer: writes that arrive together
// used to queue for the single write connection, each paying its own fsync,
// in the random order in which database/sql hands out a busy connection.
// With group commit, one goroutine owns the writes of the store's hot paths:
// it takes every write waiting in its FIFO queue, runs them in one
// transaction, each inside its own SAVEPOINT (a failed write is rolled back
// alone), commits once, and only then answers each caller. A write is
// acknowledged only after the commit that holds it is durable, as before;
// what changes is that N concurrent writes share one fsync.

// maxBatch bounds the writes committed together.
const maxBatch = 128

// queueLen is how many writes may wait for the writer before callers block.
const queueLen = 1024

// errClosed is returned for writes submitted after Close (like
// database/sql's "sql: database is closed", a 500: a bug, not an outage).
var errClosed = errors.New("store closed")

// execer runs one write's statements, on the write pool or inside the
// group's transaction, through the statement cache.
type execer interface {
	queryRow(ctx context.Context, query string, args ...any) *sql.Row
	exec(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// poolExec runs statements on a pool (no group commit).
type poolExec struct {
	s  *Store
	db *sql.DB
}

func (p poolExec) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return p.s.queryRow(ctx, p.db, query, args...)
}

func (p poolExec) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.s.exec(ctx, p.db, query, args...)
}

// txExec runs statements in the group's transaction. A statement already
// in the cache runs prepared (database/sql reuses its preparation on the
// transaction's connection); another runs unprepared and is prepared after
// the commit, when the single write connection is free again.
type txExec struct {
	s     *Store
	tx    *sql.Tx
	later map[string]bool
}

func (t txExec) stmt(ctx context.Context, query string) *sql.Stmt {
	if st := t.s.stmts.peek(t.s.w, query); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	t.later[query] = true
	return nil
}

func (t txExec) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

func (t txExec) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// writeOp is one write waiting for the group's writer.
type writeOp struct {
	ctx  context.Context
	fn   func(ctx context.Context, x execer) error
	done chan error // buffered: the writer never blocks on it
}

// group is the writer of a store with group commit.
type group struct {
	s        *Store
	ch       chan *writeOp
	mu       sync.RWMutex // held for reading while sending on ch, for writing by close
	closed   bool
	finished chan struct{}

	ops, commits atomic.Int64
}

// EnableGroupCommit makes the store's task writes commit in groups (see
// above) and returns s. Call it once, before the first use; Close stops
// the writer. Meant for SQLite, whose single writer and per-commit fsync
// make it pay; PostgreSQL commits concurrent transactions in parallel.
func (s *Store) EnableGroupCommit() *Store {
	g := &group{s: s, ch: make(chan *writeOp, queueLen), finished: make(chan struct{})}
	s.group = g
	go g.run()
	return s
}

// GroupStats returns how many writes group commit committed and in how
// many commits (both zero without it).
func (s *Store) GroupStats() (writes, commits int64) {
	if s.group == nil {
		return 0, 0
	}
	return s.group.ops.Load(), s.group.commits.Load()
}

// write runs fn, one write of a single row or a few statements, on the
// write pool, or through the group's writer when group commit is on. fn
// may run inside a transaction with other writes, so it must not depend on
// running alone; an error from fn rolls back only its own statements.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, x execer) error) error {
	if s.group == nil {
		return fn(ctx, poolExec{s, s.w})
	}
	return s.group.submit(ctx, fn)
}

func (g *group) submit(ctx context.Context, fn func(ctx context.Context, x execer) error) error {
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return errClosed
	}
	select {
	case g.ch <- op:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-op.done:
		return err
	case <-ctx.Done():
		// The write may still commit (as when a client leaves during a
		// commit on any database); it was not acknowledged.
		return ctx.Err()
	}
}

// close stops taking writes, lets the writer finish those queued and waits
// for it.
func (g *group) close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.ch)
	}
	g.mu.Unlock()
	<-g.finished
}

// run is the writer: it commits whatever is queued, in arrival order.
func (g *group) run() {
	defer close(g.finished)
	batch := make([]*writeOp, 0, maxBatch)
	for op := range g.ch {
		batch = append(batch[:0], op)
		open := true
	fill:
		for len(batch) < maxBatch {
			select {
			case op, ok := <-g.ch:
				if !ok {
					open = false
					break fill
				}
				batch = append(batch, op)
			default:
				break fill
			}
		}
		g.commit(batch)
		clear(batch)
		if !open {
			return
		}
	}
}

// commit runs batch in one transaction and answers each write.
func (g *group) commit(batch []*writeOp) {
	s := g.s
	// Writes already abandoned by their callers are not started.
	live := batch[:0:0]
	for _, op := range batch {
		if err := op.ctx.Err(); err != nil {
			op.done <- err
			continue
		}
		live = append(live, op)
	}
	if len(live) == 0 {
		return
	}
	// The batch runs on its own bounded context: a caller that leaves
	// mid-batch must not interrupt the statements of the others (SQLite
	// rolls back the whole transaction of an interrupted write).
	ctx, cancel := s.bound(context.Background())
	defer cancel()
	results := make([]error, len(live))
	later := make(map[string]bool)
	err := g.inBatch(ctx, live, results, later)
	for i, op := range live {
		if results[i] == nil && err != nil {
			results[i] = err
		}
		op.done <- results[i]
	}
	if err == nil {
		for _, r := range results {
			if r == nil {
				g.ops.Add(1)
			}
		}
		g.commits.Add(1)
	}
	for q := range later {
		s.stmts.get(ctx, s.w, q)
	}
}

// inBatch runs the writes of live in one transaction, each in a
// savepoint, storing each write's own error in results, and commits. The
// error returned is the transaction's: when it is not nil nothing was
// committed.
func (g *group) inBatch(ctx context.Context, live []*writeOp, results []error, later map[string]bool) error {
	s := g.s
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	x := txExec{s: s, tx: tx, later: later}
	single := len(live) == 1
	for i, op := range live {
		if single {
			results[i] = runOp(ctx, op, x)
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT w`); err != nil {
			_ = tx.Rollback()
			return err
		}
		if results[i] = runOp(ctx, op, x); results[i] != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO w`); err != nil {
				// The transaction itself is gone (SQLite rolls it back on
				// some errors): nothing of the batch is committed.
				_ = tx.Rollback()
				return errors.Join(errors.New("group commit: rollback to savepoint"), err)
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE w`); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	if single && results[0] != nil {
		_ = tx.Rollback()
		return nil
	}
	return tx.Commit()
}

// runOp runs one write; a panic in it (a bug) fails that write instead of
// the process, since the writer is not a request goroutine.
func runOp(ctx context.Context, op *writeOp, x execer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("group commit: write panicked: %v", p)
		}
	}()
	return op.fn(ctx, x)
}
