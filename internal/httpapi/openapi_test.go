package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/latchhq/latch"
)

func fetchOpenAPI(t *testing.T, e *testEnv) map[string]any {
	t.Helper()
	res := e.do(req{Method: "GET", Path: "/openapi.json"}).mustStatus(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

func TestOpenAPIDocument(t *testing.T) {
	e := newEnv(t)
	doc := fetchOpenAPI(t, e)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Fatalf("openapi = %q, want 3.1.x", v)
	}
	paths := doc["paths"].(map[string]any)

	// Every route of the table is documented with its method and params.
	documented := map[string]bool{}
	for _, rt := range routeTable {
		item, ok := paths[rt.pattern].(map[string]any)
		if !ok {
			t.Fatalf("path %s missing", rt.pattern)
		}
		op, ok := item[strings.ToLower(rt.method)].(map[string]any)
		if !ok {
			t.Fatalf("%s %s missing", rt.method, rt.pattern)
		}
		documented[rt.method+" "+rt.pattern] = true
		if op["operationId"] != rt.opID || op["summary"] == "" {
			t.Errorf("%s: operationId %v summary %v", rt.opID, op["operationId"], op["summary"])
		}
		responses := op["responses"].(map[string]any)
		if _, ok := responses[jsonNumber(int64(rt.status))]; !ok {
			t.Errorf("%s: success status %d not documented", rt.opID, rt.status)
		}
		for _, code := range rt.errors {
			r, ok := responses[jsonNumber(int64(code))].(map[string]any)
			if !ok {
				t.Errorf("%s: error status %d not documented", rt.opID, code)
				continue
			}
			ref := r["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"]
			if ref != "#/components/schemas/Error" {
				t.Errorf("%s %d: schema %v", rt.opID, code, ref)
			}
		}
		sec, _ := op["security"].([]any)
		if rt.auth != (len(sec) == 1) {
			t.Errorf("%s: security %v, auth %v", rt.opID, sec, rt.auth)
		}
		for _, w := range wildcardRE.FindAllStringSubmatch(rt.pattern, -1) {
			found := false
			for _, p := range op["parameters"].([]any) {
				p := p.(map[string]any)
				found = found || p["name"] == w[1] && p["in"] == "path" && p["required"] == true
			}
			if !found {
				t.Errorf("%s: path parameter %s not documented", rt.opID, w[1])
			}
		}
	}
	// Every handler the mux registers is documented, and nothing else is;
	// a task route's trailing-slash twin is documented by its route.
	_, all := (&Server{Tasks: e.db, Verifier: e.signer}).build()
	var registered []string
	for _, p := range all {
		if base, ok := strings.CutSuffix(p, "/{$}"); ok {
			if !slices.Contains(all, base) || !strings.Contains(base, "/tasks") {
				t.Errorf("registered %q without its route %q, or outside the task API", p, base)
			}
			continue
		}
		registered = append(registered, p)
		if !documented[p] {
			t.Errorf("registered %q is not documented", p)
		}
	}
	var docOps []string
	for path, item := range paths {
		for m := range item.(map[string]any) {
			docOps = append(docOps, strings.ToUpper(m)+" "+path)
		}
	}
	sort.Strings(docOps)
	sort.Strings(registered)
	if !reflect.DeepEqual(docOps, registered) {
		t.Errorf("documented %v\nregistered %v", docOps, registered)
	}

	comps := doc["components"].(map[string]any)
	bearer := comps["securitySchemes"].(map[string]any)["bearerAuth"].(map[string]any)
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" || bearer["bearerFormat"] != "JWT" {
		t.Errorf("bearerAuth = %v", bearer)
	}
	schemas := comps["schemas"].(map[string]any)
	prop := func(schema, field string) map[string]any {
		return schemas[schema].(map[string]any)["properties"].(map[string]any)[field].(map[string]any)
	}
	// Limits in the schema agree with the rules in package latch.
	for _, s := range []string{"Task", "TaskCreate", "TaskUpdate"} {
		if got := prop(s, "title")["maxLength"]; got != float64(latch.MaxTitleLen) {
			t.Errorf("%s.title maxLength %v", s, got)
		}
		if got := prop(s, "description")["maxLength"]; got != float64(latch.MaxDescriptionLen) {
			t.Errorf("%s.description maxLength %v", s, got)
		}
	}
	if got := prop("Task", "created_at"); got["format"] != "date-time" {
		t.Errorf("created_at %v", got)
	}
	if got := prop("Task", "id"); got["type"] != "integer" {
		t.Errorf("id %v", got)
	}
	if got := prop("Task", "updated_at"); got["format"] != "date-time" || got["pattern"] == nil {
		t.Errorf("updated_at %v, want a date-time with a pattern", got)
	}
	if _, ok := schemas["TaskList"]; ok {
		t.Error("TaskList schema still present; the list is an array")
	}
	// The list answers an array of Task; paging is in Link and X-Total-Count.
	ok200 := paths["/api/{user_id}/tasks"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)
	listSchema := ok200["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	if listSchema["type"] != "array" || listSchema["items"].(map[string]any)["$ref"] != "#/components/schemas/Task" {
		t.Errorf("list schema %v, want an array of Task", listSchema)
	}
	hdrs, _ := ok200["headers"].(map[string]any)
	for _, h := range []string{"Link", "X-Total-Count"} {
		if hd, _ := hdrs[h].(map[string]any); hd == nil || hd["description"] == "" || hd["schema"] == nil {
			t.Errorf("list answer header %s: %v", h, hdrs[h])
		}
	}
	if req := schemas["TaskCreate"].(map[string]any)["required"]; !reflect.DeepEqual(req, []any{"title"}) {
		t.Errorf("TaskCreate required %v", req)
	}
	if req := schemas["Task"].(map[string]any)["required"].([]any); len(req) != 7 {
		t.Errorf("Task required %v", req)
	}
	for name, s := range schemas {
		if s.(map[string]any)["description"] == nil {
			t.Errorf("schema %s has no description", name)
		}
	}
}

func TestOpenAPIRejectsUndeclaredPathParam(t *testing.T) {
	bad := []route{{method: "GET", pattern: "/x/{id}", opID: "x", status: 200}}
	if _, err := buildOpenAPI(bad); err == nil {
		t.Fatal("no error for an undeclared path parameter")
	}
	dup := []route{{method: "GET", pattern: "/x", opID: "x", status: 200}, {method: "PUT", pattern: "/x", opID: "x", status: 200}}
	if _, err := buildOpenAPI(dup); err == nil {
		t.Fatal("no error for a repeated operation id")
	}
}

func TestOpenAPIConditionalGet(t *testing.T) {
	e := newEnv(t)
	res := e.do(req{Method: "GET", Path: "/openapi.json"}).mustStatus(t, http.StatusOK)
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	r := httptestRequest("GET", "/openapi.json")
	r.Header.Set("If-None-Match", etag)
	if code := serve(e, r).Code; code != http.StatusNotModified {
		t.Fatalf("conditional GET: %d", code)
	}
}
