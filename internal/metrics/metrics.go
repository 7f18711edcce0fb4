// Package metrics exposes Latch's Prometheus metrics. It is the only
// package that imports the Prometheus client: the other packages report
// through small hooks (auth.Events, latch.RateLimiter, plain stats
// functions) that cmd/latch connects to a *Metrics.
//
// Request metrics are labelled by route pattern (never the raw path, which
// carries user and task ids), method and status, so the number of series
// stays bounded whatever clients send.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric name.
const Namespace = "latch"

// Metrics holds the registry and the instruments.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	authEvents  *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	limitErrors *prometheus.CounterVec
	jwks        *prometheus.CounterVec
}

// New returns Metrics with its own registry, holding the Go runtime and
// process collectors and every Latch instrument.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Name: "http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by route pattern and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "http_requests_in_flight",
		Help: "HTTP requests being answered.",
	})
	m.authEvents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "auth_events_total",
		Help: "Sign-up, sign-in and sign-out attempts by outcome (success, invalid_credentials, rejected, error).",
	}, []string{"event", "outcome"})
	m.rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "rate_limit_rejections_total",
		Help: "Requests refused by a rate limit (429), by limiter (auth: per IP and path; tasks: per user).",
	}, []string{"limiter"})
	m.limitErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "rate_limit_errors_total",
		Help: "Rate limiter calls that failed (the request was let through), by limiter.",
	}, []string{"limiter"})
	m.jwks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "jwks_fetches_total",
		Help: "Fetches of the remote JWKS (LATCH_JWKS_URL), by result (ok, http_error, error).",
	}, []string{"result"})
	m.reg.MustRegister(m.requests, m.duration, m.inFlight, m.authEvents, m.rateLimited, m.limitErrors, m.jwks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, ev := range []string{"sign_up", "sign_in", "sign_out"} {
		m.authEvents.WithLabelValues(ev, "success")
	}
	return m
}

// Registry returns the registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, MaxRequestsInFlight: 4})
}

// AuthEvent counts one sign-up, sign-in or sign-out outcome. It
// implements auth.Events.
func (m *Metrics) AuthEvent(event, outcome string) {
	m.authEvents.WithLabelValues(event, outcome).Inc()
}

// AddDB exports connection pool statistics (open, in use, idle, waits
// and wait time, closed connections) under the same go_sql_* names as
// client_golang's DBStatsCollector, labelled db_name=<prefix>_<pool>. stats
// is read at each scrape and names each pool ("main", or "write" and
// "read").
func (m *Metrics) AddDB(prefix string, stats func() map[string]sql.DBStats) {
	m.reg.MustRegister(&dbCollector{prefix: prefix, stats: stats})
}

// AddGroupCommit exports the SQLite store's group commit: writes committed
// through it and the commits that held them (their ratio is the mean group
// size), read from stats at each scrape.
func (m *Metrics) AddGroupCommit(stats func() (writes, commits int64)) {
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "latch_db_group_writes_total",
			Help: "Writes committed through the SQLite group-commit writer."},
			func() float64 { w, _ := stats(); return float64(w) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "latch_db_group_commits_total",
			Help: "Commits (one WAL fsync each) of the SQLite group-commit writer."},
			func() float64 { _, c := stats(); return float64(c) }),
	)
}

// HashStats is a snapshot of the password-hash queue.
type HashStats struct {
	// Waiting is the number of callers waiting for a hashing slot.
	Waiting int
	// Running is the number of hashes being computed.
	Running int
	// Slots is the number of hashes that may run at once.
	Slots int
	// Runs counts hashes computed since start.
	Runs int64
	// WaitTotal is the time callers spent waiting for a slot since start.
	WaitTotal time.Duration
}

// AddPasswordHashStats exports the password-hash queue read from stats
// at each scrape.
func (m *Metrics) AddPasswordHashStats(stats func() HashStats) {
	m.reg.MustRegister(&hashCollector{stats: stats})
}

// JWKSTransport wraps rt (nil: http.DefaultTransport) to count every
// fetch of the remote JWKS.
func (m *Metrics) JWKSTransport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(r)
		switch {
		case err != nil:
			m.jwks.WithLabelValues("error").Inc()
		case resp.StatusCode != http.StatusOK:
			m.jwks.WithLabelValues("http_error").Inc()
		default:
			m.jwks.WithLabelValues("ok").Inc()
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func code(status int) string { return strconv.Itoa(status) }
