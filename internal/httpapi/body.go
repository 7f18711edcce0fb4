package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/latchhq/latch"
)

// writeJSON writes v as the JSON answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only our own types are written; cannot happen
		status, b = http.StatusInternalServerError, []byte(`{"detail":"Internal server error"}`)
	}
	writeBody(w, status, append(b, '\n'))
}

// decodeBody reads a JSON object body into dst, a pointer to a struct
// whose fields are pointers (nil = absent). Rules:
//
//   - Content-Type must be application/json or end in +json (absent is
//     taken as JSON); otherwise 415.
//   - More than MaxBodyBytes: 413 (*http.MaxBytesError).
//   - Not valid UTF-8, syntax errors or trailing data: 400.
//   - Empty body or a JSON value that is not an object: 422.
//   - A field of the wrong JSON type: 422 naming the field; every field
//     is checked, so all such mistakes are reported at once.
//   - null for a field tagged schema:"nullable" counts as absent;
//     unknown fields are ignored; names match exactly (case-sensitive).
func decodeBody(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
			return &httpError{status: http.StatusUnsupportedMediaType, detail: "Content-Type must be application/json"}
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return &httpError{status: http.StatusBadRequest, detail: "Could not read the request body"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return bodyInvalid("", "A JSON object is required")
	}
	if !utf8.Valid(data) {
		return &httpError{status: http.StatusBadRequest, detail: "Malformed JSON: the body is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return bodyInvalid("", "must be a JSON object")
		}
		return &httpError{status: http.StatusBadRequest, detail: "Malformed JSON: " + jsonErrText(err)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &httpError{status: http.StatusBadRequest, detail: "Malformed JSON: unexpected data after the JSON object"}
	}
	if obj == nil { // the body was the literal null
		return bodyInvalid("", "must be a JSON object")
	}
	verr := &latch.ValidationError{}
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		raw, ok := obj[name]
		if !ok {
			continue
		}
		if string(raw) == "null" {
			if !tagHas(sf.Tag.Get("schema"), "nullable") {
				verr.Add("body", name, "must be "+jsonKind(sf.Type))
			}
			continue
		}
		p := reflect.New(sf.Type.Elem())
		if err := json.Unmarshal(raw, p.Interface()); err != nil {
			verr.Add("body", name, "must be "+jsonKind(sf.Type))
			continue
		}
		v.Field(i).Set(p)
	}
	return verr.OrNil()
}

func bodyInvalid(field, msg string) error {
	verr := &latch.ValidationError{}
	verr.Add("body", field, msg)
	return verr
}

// jsonErrText describes a decoding error without echoing the input.
func jsonErrText(err error) string {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "unexpected end of input"
	default:
		return "invalid JSON"
	}
}

// jsonKind names the JSON type of a (pointer to a) Go type.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "an array"
	default:
		return "an object"
	}
}

// tagHas reports whether the comma-separated tag contains key (alone or
// as key=value).
func tagHas(tag, key string) bool {
	for _, part := range strings.Split(tag, ",") {
		k, _, _ := strings.Cut(part, "=")
		if k == key {
			return true
		}
	}
	return false
}
