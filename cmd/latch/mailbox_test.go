package main

import (
	"encoding/json"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/mail/smtptest"
)

// startMailbox serves the loopback SMTP server's messages to the Node
// scripts: GET /next?to=<address> answers {"link","subject"} of the next
// message to that address (waiting up to 15 s), 404 when none comes.
func startMailbox(t *testing.T, smtp *smtptest.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, err := smtp.WaitErr(r.URL.Query().Get("to"), 15*time.Second)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"link": m.Link, "subject": m.Subject})
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}
