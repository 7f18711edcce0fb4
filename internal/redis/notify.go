package redis

import (
	"context"
	"encoding/json"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Pub/sub channels (prefixed): ended-session notices (session ids) and
// changed-user notices (user ids).
const (
	channel     = "latch:sessions-ended"
	userChannel = "latch:users-changed"
)

// Notifier sends and receives notices of ended sessions between Latch
// instances over Redis pub/sub: the payload is a JSON array of session
// ids. A notice lost while Redis is down costs nothing worse than the
// session checker's cache lifetime (and the session cache, which
// OnResubscribe empties, its TTL at most).
type Notifier struct {
	// OnResubscribe, when set before Subscribe, is called each time the
	// subscription is made again after a break (Redis restarted, the
	// connection dropped): notices published meanwhile were lost, so a
	// cache that relies on them should forget everything.
	OnResubscribe func()

	c       *Client
	channel string
}

// NewNotifier returns a Notifier of ended sessions on c.
func NewNotifier(c *Client) *Notifier { return &Notifier{c: c, channel: channel} }

// NewUserNotifier returns a Notifier of changed users on c: the payload
// is a JSON array of user ids whose row or sessions changed, so that
// other instances' session caches forget them.
func NewUserNotifier(c *Client) *Notifier { return &Notifier{c: c, channel: userChannel} }

// Publish announces that these sessions ended (or these users changed). It
// waits at most half a second, so that a sign-out is known everywhere by
// the time it answers;
// a failure is counted and logged by the Client, never returned.
func (n *Notifier) Publish(ids ...string) {
	if len(ids) == 0 || !n.c.usable() {
		return
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	n.c.result(ctx, "publish", n.c.rdb.Publish(ctx, n.c.key(n.channel), b).Err())
}

// Subscribe calls fn with the ids of every notice (its own included)
// until ctx is cancelled; the client reconnects by itself after an
// outage. It returns once the subscription is confirmed or ctx ends, so
// notices published after it returns are received.
func (n *Notifier) Subscribe(ctx context.Context, fn func(ids ...string)) {
	ps := n.c.rdb.Subscribe(ctx, n.c.key(n.channel))
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	if _, err := ps.Receive(rctx); err != nil {
		n.c.log.Warn("redis: subscribe to session notices failed; retrying in the background", "err", err)
	}
	cancel()
	go func() {
		defer ps.Close()
		// Subscription messages come on every (re)subscription: after
		// the one confirmed above, they mean the connection broke.
		ch := ps.ChannelWithSubscriptions()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-ch:
				if !ok {
					return
				}
				switch m := m.(type) {
				case *goredis.Subscription:
					if m.Kind == "subscribe" && n.OnResubscribe != nil {
						n.OnResubscribe()
					}
				case *goredis.Message:
					var ids []string
					if json.Unmarshal([]byte(m.Payload), &ids) == nil && len(ids) > 0 {
						fn(ids...)
					}
				}
			}
		}
	}()
}
