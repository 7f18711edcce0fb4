package httpapi

import (
	"fmt"
	"net/http"
	"reflect"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/tasks"
)

// route is one entry of the route table: it both registers the handler
// and describes the operation in the OpenAPI document.
type route struct {
	method  string
	pattern string // a net/http pattern path; wildcards are {name}
	opID    string
	tag     string
	summary string
	doc     string
	auth    bool // bearer token required (tokenhttp.Require), subject must own the path
	params  []param
	body    reflect.Type // JSON request body type (struct of pointers), or nil
	status  int          // success status
	resp    reflect.Type // JSON response type, or nil for no body / non-JSON
	headers []respHeader // headers of the success answer, for the document
	media   string       // response media type when resp is nil and there is a body
	errors  []int        // error statuses that may be answered (besides 405)
	handle  handlerFunc
}

// respHeader describes a header of a success answer.
type respHeader struct {
	name, doc string
	schema    map[string]any
}

// param describes a path or query parameter.
type param struct {
	name     string
	in       string // "path" or "query"
	doc      string
	required bool
	schema   map[string]any
}

var (
	pUserID = param{name: "user_id", in: "path", required: true, schema: map[string]any{"type": "string"},
		doc: fmt.Sprintf("The owner of the tasks; must equal the token subject (sub), else 403. "+
			"A subject with NUL characters or longer than %d bytes cannot own tasks: 422.", tasks.MaxUserIDLen)}
	pTaskID = param{name: "id", in: "path", required: true, schema: map[string]any{"type": "integer", "format": "int64"},
		doc: "Task id. Not an integer: 422. Absent or another user's: 404."}
	listParams = []param{
		{name: "status", in: "query", doc: "Filter by completion.",
			schema: map[string]any{"type": "string", "enum": tasks.Statuses, "default": tasks.Statuses[0]}},
		{name: "sort", in: "query", doc: "Sort key; ties are broken by id.",
			schema: map[string]any{"type": "string", "enum": tasks.Sorts, "default": tasks.Sorts[0]}},
		{name: "order", in: "query", doc: "Sort order. Default: desc (newest first) for created and updated, asc for title.",
			schema: map[string]any{"type": "string", "enum": tasks.Orders}},
		{name: "limit", in: "query", doc: "Page size.",
			schema: map[string]any{"type": "integer", "minimum": 1, "maximum": latch.MaxPageSize, "default": latch.DefaultPageSize}},
		{name: "offset", in: "query", doc: "Number of tasks to skip. Not with cursor; the next link continues with a cursor.",
			schema: map[string]any{"type": "integer", "minimum": 0, "maximum": tasks.MaxOffset, "default": 0}},
		{name: "cursor", in: "query", doc: "Set by the Link rel=\"next\" URL of an earlier page (cursor paging: the same cost at any depth). " +
			"status, sort and order default to the cursor's; different values give 422.",
			schema: map[string]any{"type": "string", "maxLength": tasks.MaxCursorLen}},
		{name: "total", in: "query", doc: "true: also count the matching tasks (ignoring paging) into X-Total-Count, at the cost of a second query.",
			schema: map[string]any{"type": "boolean", "default": false}},
	}
	listHeaders = []respHeader{
		{name: "Link", doc: "RFC 8288 link to the next page, present only when more tasks follow: " +
			"`</api/{user_id}/tasks?cursor=…&limit=…>; rel=\"next\"` (a path-absolute reference carrying this request's parameters, with offset replaced by cursor).",
			schema: map[string]any{"type": "string"}},
		{name: "X-Total-Count", doc: "Number of tasks matching status, ignoring paging; only with total=true.",
			schema: map[string]any{"type": "integer", "minimum": 0}},
	}
	pAsset = param{name: "asset", in: "path", required: true, schema: map[string]any{"type": "string"},
		doc: "Asset file name, for example docs.js."}
)

// taskErrors are the error statuses every task route may answer.
var taskErrors = []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}

func with(base []int, more ...int) []int { return append(append([]int{}, base...), more...) }

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// routeTable lists every route the Handler serves.
var routeTable = []route{
	{method: http.MethodGet, pattern: "/api/{user_id}/tasks", opID: "listTasks", tag: "tasks",
		summary: "List tasks", doc: "One page of the caller's tasks as a JSON array (oldest or newest first, see sort and order). " +
			"Paging is in the headers: follow Link rel=\"next\" until it is absent; X-Total-Count with total=true.",
		auth: true, params: append([]param{pUserID}, listParams...), status: http.StatusOK, resp: typeOf[[]Task](), headers: listHeaders,
		errors: with(taskErrors, http.StatusBadRequest, http.StatusUnprocessableEntity), handle: listTasks},
	{method: http.MethodPost, pattern: "/api/{user_id}/tasks", opID: "createTask", tag: "tasks",
		summary: "Create a task", doc: "Creates a pending task and answers it with a Location header.",
		auth: true, params: []param{pUserID}, body: typeOf[TaskCreate](), status: http.StatusCreated, resp: typeOf[Task](),
		errors: with(taskErrors, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity),
		handle: createTask},
	{method: http.MethodGet, pattern: "/api/{user_id}/tasks/{id}", opID: "getTask", tag: "tasks",
		summary: "Get a task", auth: true, params: []param{pUserID, pTaskID}, status: http.StatusOK, resp: typeOf[Task](),
		errors: with(taskErrors, http.StatusNotFound, http.StatusUnprocessableEntity), handle: getTask},
	{method: http.MethodPut, pattern: "/api/{user_id}/tasks/{id}", opID: "updateTask", tag: "tasks",
		summary: "Replace a task", doc: "Replaces title and description; sets completion when given.",
		auth: true, params: []param{pUserID, pTaskID}, body: typeOf[TaskUpdate](), status: http.StatusOK, resp: typeOf[Task](),
		errors: with(taskErrors, http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity),
		handle: updateTask},
	{method: http.MethodDelete, pattern: "/api/{user_id}/tasks/{id}", opID: "deleteTask", tag: "tasks",
		summary: "Delete a task", auth: true, params: []param{pUserID, pTaskID}, status: http.StatusNoContent,
		errors: with(taskErrors, http.StatusNotFound, http.StatusUnprocessableEntity), handle: deleteTask},
	{method: http.MethodPatch, pattern: "/api/{user_id}/tasks/{id}/complete", opID: "toggleTask", tag: "tasks",
		summary: "Toggle completion", doc: "Flips completed atomically and answers the task.",
		auth: true, params: []param{pUserID, pTaskID}, status: http.StatusOK, resp: typeOf[Task](),
		errors: with(taskErrors, http.StatusNotFound, http.StatusUnprocessableEntity), handle: toggleTask},
	{method: http.MethodGet, pattern: "/openapi.json", opID: "getOpenAPI", tag: "meta",
		summary: "This OpenAPI 3.1 document", status: http.StatusOK, media: "application/json", handle: serveOpenAPI},
	{method: http.MethodGet, pattern: "/docs", opID: "getDocs", tag: "meta",
		summary: "Interactive API documentation (HTML)", status: http.StatusOK, media: "text/html", handle: serveDocsPage},
	{method: http.MethodGet, pattern: "/docs/{asset}", opID: "getDocsAsset", tag: "meta",
		summary: "A static asset of the documentation page", params: []param{pAsset}, status: http.StatusOK,
		media: "application/octet-stream", errors: []int{http.StatusNotFound}, handle: serveDocsAsset},
}

// statusText is the response description for a status in the document.
func statusText(code int) string {
	switch code {
	case http.StatusUnauthorized:
		return "Missing or invalid bearer token"
	case http.StatusForbidden:
		return "The path's user_id is not the token subject"
	case http.StatusNotFound:
		return "No such task for this user"
	case http.StatusBadRequest:
		return "Malformed JSON body or query string"
	case http.StatusUnprocessableEntity:
		return "Invalid body or parameters; errors lists each field"
	case http.StatusTooManyRequests:
		return "Per-user rate limit reached; see Retry-After"
	case http.StatusUnsupportedMediaType:
		return "Content-Type is not application/json"
	case http.StatusRequestEntityTooLarge:
		return fmt.Sprintf("Body larger than %d KiB", MaxBodyBytes>>10)
	}
	return http.StatusText(code)
}
