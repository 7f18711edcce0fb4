package metrics

import (
	"database/sql"
	"sort"

	"github.com/prometheus/client_golang/prometheus"
)

func dbDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("go_sql_"+name, help, []string{"db_name"}, nil)
}

var (
	dbMaxOpen      = dbDesc("max_open_connections", "Maximum number of open connections to the database.")
	dbOpen         = dbDesc("open_connections", "The number of established connections both in use and idle.")
	dbInUse        = dbDesc("in_use_connections", "The number of connections currently in use.")
	dbIdle         = dbDesc("idle_connections", "The number of idle connections.")
	dbWaitCount    = dbDesc("wait_count_total", "The total number of connections waited for.")
	dbWaitDuration = dbDesc("wait_duration_seconds_total", "The total time blocked waiting for a new connection.")
	dbIdleClosed   = dbDesc("max_idle_closed_total", "The total number of connections closed due to SetMaxIdleConns.")
	dbIdleTime     = dbDesc("max_idle_time_closed_total", "The total number of connections closed due to SetConnMaxIdleTime.")
	dbLifetime     = dbDesc("max_lifetime_closed_total", "The total number of connections closed due to SetConnMaxLifetime.")
)

// dbCollector reads the pools' sql.DBStats at scrape time.
type dbCollector struct {
	prefix string
	stats  func() map[string]sql.DBStats
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dbMaxOpen, dbOpen, dbInUse, dbIdle, dbWaitCount, dbWaitDuration, dbIdleClosed, dbIdleTime, dbLifetime} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	all := c.stats()
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s, label := all[n], c.prefix+"_"+n
		g := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, label)
		}
		k := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, label)
		}
		g(dbMaxOpen, float64(s.MaxOpenConnections))
		g(dbOpen, float64(s.OpenConnections))
		g(dbInUse, float64(s.InUse))
		g(dbIdle, float64(s.Idle))
		k(dbWaitCount, float64(s.WaitCount))
		k(dbWaitDuration, s.WaitDuration.Seconds())
		k(dbIdleClosed, float64(s.MaxIdleClosed))
		k(dbIdleTime, float64(s.MaxIdleTimeClosed))
		k(dbLifetime, float64(s.MaxLifetimeClosed))
	}
}
