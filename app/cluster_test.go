package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testredis"
	"github.com/consultd/consultd/internal/testsmtp"
)

// redisEnv is the whole service on a Redis Cluster or behind Sentinel;
// rdb reaches the same Redis for the test's own reads.
type redisEnv struct {
	rdb     redis.UniversalClient
	smtp    *testsmtp.Server
	base    string
	cluster *testredis.Cluster
	ids     [2]string // therapist ids, on two Cluster nodes
}

// The service books, confirms and cancels on Redis Cluster as it does on
// one server, and the slot claim stays atomic there.
func TestServiceOnCluster(t *testing.T) {
	began := time.Now()
	e := &redisEnv{cluster: testredis.StartCluster(t), smtp: testsmtp.Start(t)}
	t.Logf("cluster ready in %v", time.Since(began).Round(time.Millisecond))
	e.rdb = e.cluster.Client(t)
	e.ids = therapistsOnTwoNodes(t, e.cluster)
	cfg := testConfig(t, nil, e.smtp, func(c *config.Config) {
		c.Redis.Addrs = e.cluster.Addrs()
		first := c.Therapists[0]
		c.Therapists = nil
		for _, id := range e.ids {
			th := first
			th.ID, th.Name, th.Email = id, "Dr. "+strings.ToUpper(id), id+"@example.org"
			c.Therapists = append(c.Therapists, th)
		}
	})
	if cfg.Redis.Mode() != config.RedisCluster {
		t.Fatalf("mode = %s", cfg.Redis.Mode())
	}
	_, e.base = runApp(t, cfg, AllRoles, &syncBuffer{})

	t.Run("book, invite and notice, cancel", e.bookAndCancel)
	t.Run("20 clients race for one slot", e.raceForOneSlot)
	t.Run("two therapists on two nodes", e.twoTherapists)
	t.Run("503 soon when the cluster hangs", e.clusterHangs)
	t.Run("503 at once when the cluster is down", e.clusterDown)
}

// therapistsOnTwoNodes picks two therapist ids whose hash tags are served
// by different nodes, and logs the layout.
func therapistsOnTwoNodes(t *testing.T, c *testredis.Cluster) [2]string {
	t.Helper()
	nodes, err := c.Nodes[0].Client(t).ClusterNodes(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("CLUSTER NODES:\n%s", strings.TrimSpace(nodes))
	queue, slot := c.NodeFor(t, "asynq:{default}:pending")
	t.Logf("asynq queue {default}: slot %d on %s", slot, queue.Addr())
	first, firstSlot := c.NodeFor(t, "consultd:{t:ada}:")
	t.Logf("therapist ada: slot %d on %s", firstSlot, first.Addr())
	for _, id := range []string{"ben", "cleo", "dan", "eve", "finn", "gus", "hana", "ivo", "jo"} {
		node, slot := c.NodeFor(t, "consultd:{t:"+id+"}:")
		if node != first {
			t.Logf("therapist %s: slot %d on %s", id, slot, node.Addr())
			return [2]string{"ada", id}
		}
	}
	t.Fatal("every candidate therapist hashes to the same node")
	return [2]string{}
}

func (e *redisEnv) bookAndCancel(t *testing.T) {
	slot := e.slots(t, e.ids[0])[0]
	b := e.book(t, e.ids[0], slot.Start, "sam@example.org")
	e.mailAbout(t, "sam@example.org", b.ID, 1)
	e.mailAbout(t, e.ids[0]+"@example.org", b.ID, 1)
	e.waitStatus(t, b.ID, booking.StatusConfirmed)
	if got := e.scheduled(t, b.ID); len(got) == 0 {
		t.Fatal("no reminder or reflection scheduled after confirm")
	}
	var cancelled map[string]any
	if code := do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/cancel", "", &cancelled); code != 200 || cancelled["status"] != "cancelled" {
		t.Fatalf("cancel = %d %v", code, cancelled)
	}
	evs := events(t, e.mailAbout(t, "sam@example.org", b.ID, 2), "sam@example.org")
	if len(evs) != 2 || evs[0].Method != calendar.MethodRequest || evs[1].Method != calendar.MethodCancel ||
		evs[1].UID != evs[0].UID || evs[1].Sequence <= evs[0].Sequence {
		t.Fatalf("events = %+v", evs)
	}
	if got := e.scheduled(t, b.ID); len(got) != 0 {
		t.Fatalf("tasks left after cancel: %v", got)
	}
}

func (e *redisEnv) raceForOneSlot(t *testing.T) {
	slot := e.slots(t, e.ids[0])[5]
	const clients = 20
	codes := make([]int, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			codes[i] = do(t, "POST", e.base+"/api/bookings", bookingFor(e.ids[0], slot.Start, fmt.Sprintf("race%d@example.org", i)), nil)
		})
	}
	wg.Wait()
	count := map[int]int{}
	winner := -1
	for i, c := range codes {
		count[c]++
		if c == 201 {
			winner = i
		}
	}
	if count[201] != 1 || count[409] != clients-1 {
		t.Fatalf("answers = %v, want one 201 and %d 409", count, clients-1)
	}
	e.smtp.WaitFor(t, 1, 10*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for len(messagesTo(e.smtp.Messages(), fmt.Sprintf("race%d@example.org", winner))) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the winner got no invite")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second) // room for a wrong second invite to arrive
	invites := 0
	for i := range clients {
		invites += len(messagesTo(e.smtp.Messages(), fmt.Sprintf("race%d@example.org", i)))
	}
	if invites != 1 {
		t.Fatalf("%d invites to the racing clients, want 1", invites)
	}
}

// Both therapists can be booked at the same time; each one's record is
// stored on the node that serves its hash tag, not on the other.
func (e *redisEnv) twoTherapists(t *testing.T) {
	start := e.slots(t, e.ids[0])[10].Start
	ctx := context.Background()
	for _, id := range e.ids {
		client := "client-of-" + id + "@example.org"
		b := e.book(t, id, start, client)
		e.mailAbout(t, client, b.ID, 1)
		e.mailAbout(t, id+"@example.org", b.ID, 1)
		e.waitStatus(t, b.ID, booking.StatusConfirmed)
		key := "consultd:{t:" + id + "}:b:" + b.ID
		home, _ := e.cluster.NodeFor(t, key)
		for _, n := range e.cluster.Nodes {
			got, err := n.Client(t).Exists(ctx, key).Result()
			switch {
			case n == home && (err != nil || got != 1):
				t.Errorf("%s: not on its node %s: %d %v", key, n.Addr(), got, err)
			case n != home && (err == nil || !strings.HasPrefix(err.Error(), "MOVED")):
				t.Errorf("%s: node %s answers %d %v, want MOVED", key, n.Addr(), got, err)
			}
		}
		t.Logf("booking %s of %s stored on %s", b.ID, id, home.Addr())
	}
}

// With every node frozen (a hung host: connections open, no answer) the
// intake gives up after its timeouts rather than holding the client.
func (e *redisEnv) clusterHangs(t *testing.T) {
	start := e.slots(t, e.ids[1])[20].Start
	for _, n := range e.cluster.Nodes {
		n.Pause()
	}
	defer func() {
		for _, n := range e.cluster.Nodes {
			n.Resume()
		}
	}()
	e.want503(t, start, 8*time.Second)
}

// With every node gone the intake refuses at once.
func (e *redisEnv) clusterDown(t *testing.T) {
	start := e.slots(t, e.ids[1])[20].Start
	e.cluster.Stop()
	e.want503(t, start, 2*time.Second)
	if code := do(t, "GET", e.base+"/readyz", "", nil); code != 503 {
		t.Fatalf("readyz = %d, want 503", code)
	}
}

func (e *redisEnv) want503(t *testing.T, start string, within time.Duration) {
	t.Helper()
	began := time.Now()
	code := do(t, "POST", e.base+"/api/bookings", bookingFor(e.ids[1], start, "late@example.org"), nil)
	took := time.Since(began)
	t.Logf("POST answered %d in %v", code, took.Round(time.Millisecond))
	if code != 503 || took > within {
		t.Fatalf("POST = %d after %v, want 503 within %v", code, took, within)
	}
}

func bookingFor(therapist, start, email string) string {
	return fmt.Sprintf(`{"type":"consultation","therapist":%q,"start":%q,"name":"Sam Lee","email":%q,"timezone":"Europe/London"}`,
		therapist, start, email)
}

func (e *redisEnv) book(t *testing.T, therapist, start, email string) bookingAnswer {
	t.Helper()
	var got bookingAnswer
	if code := do(t, "POST", e.base+"/api/bookings", bookingFor(therapist, start, email), &got); code != 201 {
		t.Fatalf("POST for %s = %d %+v", therapist, code, got)
	}
	return got
}

// slots lists a therapist's free consultation slots over two weeks.
func (e *redisEnv) slots(t *testing.T, therapist string) []struct{ Start, End, Therapist string } {
	t.Helper()
	now := time.Now().UTC()
	url := e.base + "/api/slots?type=consultation&therapist=" + therapist +
		"&from=" + now.Format(time.DateOnly) + "&to=" + now.AddDate(0, 0, 14).Format(time.DateOnly)
	var got slotsAnswer
	if code := do(t, "GET", url, "", &got); code != 200 || len(got.Slots) < 21 {
		t.Fatalf("slots of %s: %d, %d slots", therapist, code, len(got.Slots))
	}
	return got.Slots
}

// mailAbout waits until rcpt has n messages about booking id.
func (e *redisEnv) mailAbout(t *testing.T, rcpt, id string, n int) []testsmtp.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got []testsmtp.Message
		for _, m := range messagesTo(e.smtp.Messages(), rcpt) {
			if strings.Contains(string(m.Data), id) {
				got = append(got, m)
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d message(s) to %s about %s, want %d", len(got), rcpt, id, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *redisEnv) waitStatus(t *testing.T, id string, want booking.Status) {
	t.Helper()
	store := booking.NewStore(e.rdb, time.Now)
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := store.Get(context.Background(), id)
		if err == nil && b.Status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("booking %s: status %q, err %v; want %q", id, b.Status, err, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// scheduled lists the IDs of scheduled tasks about one booking, read
// through asynq's Inspector on the Cluster.
func (e *redisEnv) scheduled(t *testing.T, id string) []string {
	t.Helper()
	tasks, err := asynq.NewInspectorFromRedisClient(e.rdb).ListScheduledTasks("default")
	if err != nil && !strings.Contains(err.Error(), "not found") {
		t.Fatal(err)
	}
	var out []string
	for _, task := range tasks {
		if strings.Contains(task.ID, id) {
			out = append(out, task.ID)
		}
	}
	return out
}
