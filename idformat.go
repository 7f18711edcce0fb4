package latch

import (
	"errors"
	"fmt"
	"strconv"
)

// IDFormat is the shape of user, session and account ids, as Better Auth's
// advanced.database.generateId chooses it. Ids are strings everywhere in
// Latch (and in JSON and JWTs); the format decides how they are made and
// which column types the database uses for them.
type IDFormat string

const (
	// IDRandom is Better Auth's default: 32 characters of [A-Za-z0-9],
	// stored as text.
	IDRandom IDFormat = "random"
	// IDUUID is generateId: "uuid": version 4 UUIDs in lower case, stored
	// as uuid on PostgreSQL and text on SQLite.
	IDUUID IDFormat = "uuid"
	// IDSerial is generateId: "serial": the database assigns increasing
	// integers ("1", "2", ... as strings), stored as integer columns.
	IDSerial IDFormat = "serial"
)

// ErrIDFormat means the database was created for another IDFormat than the
// one configured. Stores refuse to open such a database rather than write
// ids of the wrong shape into it.
var ErrIDFormat = errors.New("id format does not match the database")

// ParseIDFormat parses a LATCH_ID_FORMAT value; "" means IDRandom.
func ParseIDFormat(s string) (IDFormat, error) {
	switch f := IDFormat(s); f {
	case "":
		return IDRandom, nil
	case IDRandom, IDUUID, IDSerial:
		return f, nil
	}
	return "", fmt.Errorf("unknown id format %q (want random, uuid or serial)", s)
}

// MaxSerialID is the largest serial id: Better Auth's serial columns are
// PostgreSQL integer (int4) columns.
const MaxSerialID = 1<<31 - 1

// Valid reports whether id can be an id of this format: for IDSerial a
// decimal integer from 1 to MaxSerialID without sign or leading zeros, for
// IDUUID a UUID in its canonical lower-case form, for IDRandom any
// non-empty string. Stores answer lookups of invalid ids with ErrNotFound
// without asking the database, which could not compare them.
func (f IDFormat) Valid(id string) bool {
	switch f {
	case IDSerial:
		n, err := strconv.ParseInt(id, 10, 64)
		return err == nil && n >= 1 && n <= MaxSerialID && strconv.FormatInt(n, 10) == id
	case IDUUID:
		return validUUID(id)
	}
	return id != ""
}

// validUUID reports whether s is xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in
// lower-case hexadecimal, the form PostgreSQL prints and
// crypto.randomUUID() returns.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

// Describe says in words what ids of this format look like, for error
// messages.
func (f IDFormat) Describe() string {
	switch f {
	case IDSerial:
		return "a positive decimal integer"
	case IDUUID:
		return "a lower-case UUID"
	}
	return "a non-empty string"
}
