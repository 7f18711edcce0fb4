// Package latch holds the domain of Latch: users, sessions, accounts and
// tasks, the store interfaces that persist them, and the sentinel errors that
// every layer shares.
//
// It imports only the standard library (no net/http, no database/sql), so
// every other package may depend on it and it depends on none of them.
// Adapters (the SQLite and PostgreSQL stores, the HTTP layers) implement or
// consume these interfaces; only cmd/latch wires concrete types together.
package latch
