package postgres

import (
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// openDB returns a database/sql handle over pgx's own stdlib adapter;
// database/sql does the pooling, pgx the protocol, statement cache and
// type codecs.
func openDB(cfg *pgx.ConnConfig) *sql.DB { return stdlib.OpenDB(*cfg) }
