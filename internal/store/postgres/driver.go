package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// This file is a minimal database/sql driver over a single pgx.Conn. The
// module deliberately depends on pgx's core only: pgx's own stdlib adapter
// imports pgxpool, which pulls in another module. database/sql provides
// the pooling; pgx provides the protocol, statement cache and type codecs.

// connector opens pgx connections for database/sql.
type connector struct{ cfg *pgx.ConnConfig }

func openDB(cfg *pgx.ConnConfig) *sql.DB { return sql.OpenDB(&connector{cfg: cfg}) }

// Connect implements driver.Connector.
func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	pc, err := pgx.ConnectConfig(ctx, c.cfg.Copy())
	if err != nil {
		return nil, err
	}
	return &conn{pc: pc}, nil
}

// Driver implements driver.Connector.
func (c *connector) Driver() driver.Driver { return drv{} }

type drv struct{}

// Open implements driver.Driver; only the connector is used.
func (drv) Open(string) (driver.Conn, error) {
	return nil, errors.New("postgres: use the connector")
}

// conn is one pgx connection. Its methods (and those of txn, stmt, rows
// and result below) implement the database/sql/driver interfaces and are
// documented there.
type conn struct{ pc *pgx.Conn }

var (
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext returns a statement that runs through the connection;
// pgx prepares and caches statements itself.
func (c *conn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	return &stmt{c: c, query: query}, nil
}

func (c *conn) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.pc.Close(ctx)
}

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.pc.IsClosed() {
		return nil, driver.ErrBadConn
	}
	var o pgx.TxOptions
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault:
	case sql.LevelReadUncommitted:
		o.IsoLevel = pgx.ReadUncommitted
	case sql.LevelReadCommitted:
		o.IsoLevel = pgx.ReadCommitted
	case sql.LevelRepeatableRead, sql.LevelSnapshot:
		o.IsoLevel = pgx.RepeatableRead
	case sql.LevelSerializable:
		o.IsoLevel = pgx.Serializable
	default:
		return nil, fmt.Errorf("postgres: unsupported isolation level %d", opts.Isolation)
	}
	if opts.ReadOnly {
		o.AccessMode = pgx.ReadOnly
	}
	tx, err := c.pc.BeginTx(ctx, o)
	if err != nil {
		return nil, err
	}
	return &txn{tx: tx}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if c.pc.IsClosed() {
		return nil, driver.ErrBadConn
	}
	tag, err := c.pc.Exec(ctx, query, values(args)...)
	if err != nil {
		return nil, err
	}
	return result(tag.RowsAffected()), nil
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if c.pc.IsClosed() {
		return nil, driver.ErrBadConn
	}
	r, err := c.pc.Query(ctx, query, values(args)...)
	if err != nil {
		return nil, err
	}
	return &rows{r: r}, nil
}

func (c *conn) Ping(ctx context.Context) error {
	if c.pc.IsClosed() {
		return driver.ErrBadConn
	}
	return c.pc.Ping(ctx)
}

// CheckNamedValue hands every argument to pgx unchanged; pgx encodes Go
// values (including nil pointers as NULL) itself.
func (c *conn) CheckNamedValue(*driver.NamedValue) error { return nil }

func (c *conn) ResetSession(context.Context) error {
	if c.pc.IsClosed() {
		return driver.ErrBadConn
	}
	return nil
}

func (c *conn) IsValid() bool { return !c.pc.IsClosed() }

func values(args []driver.NamedValue) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

type result int64

func (r result) LastInsertId() (int64, error) {
	return 0, errors.New("postgres: LastInsertId is not supported; use RETURNING")
}
func (r result) RowsAffected() (int64, error) { return int64(r), nil }

type txn struct{ tx pgx.Tx }

func (t *txn) Commit() error   { return t.tx.Commit(context.Background()) }
func (t *txn) Rollback() error { return t.tx.Rollback(context.Background()) }

type stmt struct {
	c     *conn
	query string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.c.ExecContext(context.Background(), s.query, named(args))
}
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.c.QueryContext(context.Background(), s.query, named(args))
}
func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.query, args)
}
func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.query, args)
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

type rows struct {
	r    pgx.Rows
	cols []string
}

func (r *rows) Columns() []string {
	if r.cols == nil {
		fds := r.r.FieldDescriptions()
		r.cols = make([]string, len(fds))
		for i, fd := range fds {
			r.cols[i] = fd.Name
		}
	}
	return r.cols
}

func (r *rows) Close() error {
	r.r.Close()
	return r.r.Err()
}

func (r *rows) Next(dest []driver.Value) error {
	if !r.r.Next() {
		if err := r.r.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	vs, err := r.r.Values()
	if err != nil {
		return err
	}
	for i := range dest {
		dest[i] = driverValue(vs[i])
	}
	return nil
}

// driverValue converts what pgx decodes into the types database/sql
// accepts from a driver.
func driverValue(v any) driver.Value {
	switch x := v.(type) {
	case nil, int64, float64, bool, []byte, string, time.Time:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case float32:
		return float64(x)
	case fmt.Stringer:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}
