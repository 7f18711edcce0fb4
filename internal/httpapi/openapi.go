package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// OpenAPIVersion is the OpenAPI version of the generated document.
const OpenAPIVersion = "3.1.0"

// APIVersion is the version of the task API in the document's info.
const APIVersion = "1.0.0"

var wildcardRE = regexp.MustCompile(`\{([^}]+)\}`)

// buildOpenAPI generates the OpenAPI document from the route table and
// the reflected wire types. It fails when the table is inconsistent (a
// path wildcard without its parameter, a duplicate operation id).
func buildOpenAPI(routes []route) ([]byte, error) {
	g := &schemaGen{schemas: map[string]any{}, types: map[string]reflect.Type{}}
	errRef := g.schemaFor(typeOf[Error]())
	paths := map[string]map[string]any{}
	seenOp := map[string]bool{}
	for _, rt := range routes {
		if seenOp[rt.opID] || rt.opID == "" {
			return nil, fmt.Errorf("operation id %q empty or repeated", rt.opID)
		}
		seenOp[rt.opID] = true
		declared := map[string]bool{}
		var params []any
		for _, p := range rt.params {
			declared[p.in+":"+p.name] = true
			params = append(params, map[string]any{
				"name": p.name, "in": p.in, "required": p.required, "description": p.doc, "schema": p.schema,
			})
		}
		for _, m := range wildcardRE.FindAllStringSubmatch(rt.pattern, -1) {
			if !declared["path:"+m[1]] {
				return nil, fmt.Errorf("%s %s: path parameter %q not declared", rt.method, rt.pattern, m[1])
			}
		}
		op := map[string]any{"operationId": rt.opID, "summary": rt.summary, "tags": []string{rt.tag}}
		if rt.doc != "" {
			op["description"] = rt.doc
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schemaFor(rt.body)}}}
		}
		ok := map[string]any{"description": http.StatusText(rt.status)}
		switch {
		case rt.resp != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schemaFor(rt.resp)}}
		case rt.media != "":
			ok["content"] = map[string]any{rt.media: map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		if len(rt.headers) > 0 {
			hs := map[string]any{}
			for _, h := range rt.headers {
				hs[h.name] = map[string]any{"description": h.doc, "schema": h.schema}
			}
			ok["headers"] = hs
		}
		responses := map[string]any{strconv.Itoa(rt.status): ok}
		for _, code := range rt.errors {
			responses[strconv.Itoa(code)] = map[string]any{"description": statusText(code),
				"content": map[string]any{"application/json": map[string]any{"schema": errRef}}}
		}
		op["responses"] = responses
		if rt.auth {
			op["security"] = []any{map[string]any{"bearerAuth": []string{}}}
		} else {
			op["security"] = []any{}
		}
		if paths[rt.pattern] == nil {
			paths[rt.pattern] = map[string]any{}
		}
		paths[rt.pattern][strings.ToLower(rt.method)] = op
	}
	doc := map[string]any{
		"openapi": OpenAPIVersion,
		"info": map[string]any{
			"title":   "Latch task API",
			"version": APIVersion,
			"description": "Each user's to-do tasks, protected by a bearer JWT (HS256) whose sub claim must equal " +
				"the {user_id} of the path. Every task path also answers with a trailing slash (/api/{user_id}/tasks/ " +
				"is /api/{user_id}/tasks), without a redirect. Every error body has a human-readable detail string; " +
				"422 answers also list the invalid fields in errors.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.schemas,
			"securitySchemes": map[string]any{"bearerAuth": map[string]any{
				"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
				"description": "A token from Better Auth's /api/auth/token or `latch token issue`."}},
		},
		"security": []any{map[string]any{"bearerAuth": []string{}}},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// schemaGen reflects Go types into JSON Schema (2020-12, as OpenAPI 3.1
// uses), putting named structs in components.schemas.
type schemaGen struct {
	schemas map[string]any
	types   map[string]reflect.Type
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	timestampType = reflect.TypeFor[Timestamp]()
)

// schemaFor returns the schema of t: a $ref for named structs.
func (g *schemaGen) schemaFor(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == timestampType:
		return map[string]any{"type": "string", "format": "date-time", "pattern": `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`}
	case t.Kind() == reflect.Struct:
		name := t.Name()
		if prev, ok := g.types[name]; ok && prev != t {
			panic("httpapi: two schema types named " + name)
		}
		if _, ok := g.types[name]; !ok {
			g.types[name] = t
			g.schemas[name] = nil // reserve, for recursive types
			g.schemas[name] = g.structSchema(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int64, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schemaFor(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schemaFor(t.Elem())}
	}
	panic("httpapi: no schema for " + t.String())
}

func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := map[string]any{}
		for k, v := range g.schemaFor(f.Type) {
			s[k] = v
		}
		tags := f.Tag.Get("schema")
		for _, kv := range strings.Split(tags, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "minLength", "maxLength", "minimum", "maximum":
				n, err := strconv.Atoi(v)
				if err != nil {
					panic("httpapi: bad schema tag on " + t.Name() + "." + f.Name)
				}
				s[k] = n
			case "enum":
				s[k] = strings.Split(v, "|")
			}
		}
		if d := f.Tag.Get("doc"); d != "" {
			s["description"] = d
		}
		if ex, ok := f.Tag.Lookup("example"); ok {
			var val any = ex
			if s["type"] != "string" {
				if err := json.Unmarshal([]byte(ex), &val); err != nil {
					panic("httpapi: bad example tag on " + t.Name() + "." + f.Name)
				}
			}
			s["examples"] = []any{val}
		}
		if tagHas(tags, "nullable") {
			if ref, ok := s["$ref"]; ok {
				delete(s, "$ref")
				s["anyOf"] = []any{map[string]any{"$ref": ref}, map[string]any{"type": "null"}}
			} else {
				s["type"] = []any{s["type"], "null"}
			}
		}
		props[name] = s
		if tagHas(tags, "required") || f.Type.Kind() != reflect.Pointer && !strings.Contains(","+opts+",", ",omitempty,") {
			required = append(required, name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if d := typeDocs[t.Name()]; d != "" {
		out["description"] = d
	}
	if required != nil {
		out["required"] = required
	}
	return out
}

// typeDocs are the schema descriptions of the wire types.
var typeDocs = map[string]string{
	"Task":       "A to-do task.",
	"TaskCreate": "Body of a create. Unknown fields are ignored.",
	"TaskUpdate": "Body of a full update (PUT). Unknown fields are ignored.",
	"Error":      "Every error answer. detail is a human-readable summary.",
	"FieldError": "One invalid field or parameter.",
}
