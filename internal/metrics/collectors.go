package metrics

import (
	"sort"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	hashWaitingDesc = prometheus.NewDesc(Namespace+"_password_hash_waiting",
		"Password hashes (scrypt) waiting for a slot.", nil, nil)
	hashRunningDesc = prometheus.NewDesc(Namespace+"_password_hash_running",
		"Password hashes (scrypt) being computed.", nil, nil)
	hashSlotsDesc = prometheus.NewDesc(Namespace+"_password_hash_slots",
		"Password hashes that may run at once.", nil, nil)
	hashRunsDesc = prometheus.NewDesc(Namespace+"_password_hashes_total",
		"Password hashes computed (sign-up, sign-in, password change).", nil, nil)
	hashWaitDesc = prometheus.NewDesc(Namespace+"_password_hash_wait_seconds_total",
		"Time spent waiting for a password-hash slot; divide its rate by the rate of latch_password_hashes_total for the mean wait.", nil, nil)
)

// hashCollector reads the password-hash queue at scrape time.
type hashCollector struct{ stats func() HashStats }

func (c *hashCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- hashWaitingDesc
	ch <- hashRunningDesc
	ch <- hashSlotsDesc
	ch <- hashRunsDesc
	ch <- hashWaitDesc
}

func (c *hashCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	ch <- prometheus.MustNewConstMetric(hashWaitingDesc, prometheus.GaugeValue, float64(s.Waiting))
	ch <- prometheus.MustNewConstMetric(hashRunningDesc, prometheus.GaugeValue, float64(s.Running))
	ch <- prometheus.MustNewConstMetric(hashSlotsDesc, prometheus.GaugeValue, float64(s.Slots))
	ch <- prometheus.MustNewConstMetric(hashRunsDesc, prometheus.CounterValue, float64(s.Runs))
	ch <- prometheus.MustNewConstMetric(hashWaitDesc, prometheus.CounterValue, s.WaitTotal.Seconds())
}

// RedisStats is a snapshot of the Redis client's health, as reported by
// the Redis package (cmd/latch adapts its Stats method). The maps' keys
// become label values and must come from a small fixed set (operation or
// feature names, never keys or user data).
type RedisStats struct {
	// Configured is false when REDIS_URL is not set (nothing is exported).
	Configured bool
	// Up reports whether the last Redis call succeeded.
	Up bool
	// Errors counts failed Redis calls by operation (e.g. "session_get").
	Errors map[string]uint64
	// Fallbacks counts requests served by the in-process fallback while
	// Redis was unreachable, by feature (e.g. "rate_limit", "session").
	Fallbacks map[string]uint64
}

var (
	redisUpDesc = prometheus.NewDesc(Namespace+"_redis_up",
		"1 when the last Redis call succeeded, 0 when Redis is unreachable.", nil, nil)
	redisErrorsDesc = prometheus.NewDesc(Namespace+"_redis_errors_total",
		"Failed Redis calls, by operation.", []string{"op"}, nil)
	redisFallbacksDesc = prometheus.NewDesc(Namespace+"_redis_fallbacks_total",
		"Requests served by the in-process fallback while Redis was unreachable, by feature.", []string{"feature"}, nil)
)

// AddRedis exports latch_redis_up, latch_redis_errors_total{op} and
// latch_redis_fallbacks_total{feature}, read from stats at each scrape.
func (m *Metrics) AddRedis(stats func() RedisStats) {
	m.reg.MustRegister(&redisCollector{stats: stats})
}

type redisCollector struct{ stats func() RedisStats }

func (c *redisCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- redisUpDesc
	ch <- redisErrorsDesc
	ch <- redisFallbacksDesc
}

func (c *redisCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	if !s.Configured {
		return
	}
	up := 0.0
	if s.Up {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(redisUpDesc, prometheus.GaugeValue, up)
	for _, k := range sortedKeys(s.Errors) {
		ch <- prometheus.MustNewConstMetric(redisErrorsDesc, prometheus.CounterValue, float64(s.Errors[k]), k)
	}
	for _, k := range sortedKeys(s.Fallbacks) {
		ch <- prometheus.MustNewConstMetric(redisFallbacksDesc, prometheus.CounterValue, float64(s.Fallbacks[k]), k)
	}
}

func sortedKeys(m map[string]uint64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
