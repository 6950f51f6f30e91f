package app

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Several web processes and workers on one Redis keep the invariants: a
// race for one slot through two web processes gives one booking, one
// invite; both processes see the same slots and sign links alike.
func TestSeveralProcessesOnOneRedis(t *testing.T) {
	e := startEnv(t, nil)
	_, web2 := runApp(t, e.cfg, Roles{Web: true}, e.logs)
	runApp(t, e.cfg, Roles{Worker: true, Scheduler: true}, e.logs)
	slot := firstSlots(t, e.base, "consultation").Slots[2]
	bases := []string{e.base, web2}
	const clients = 40
	codes := make([]int, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			body := bookingBody("consultation", slot.Start, fmt.Sprintf("Client %d", i), fmt.Sprintf("c%d@example.org", i))
			codes[i] = do(t, "POST", bases[i%2]+"/api/bookings", body, nil)
		})
	}
	wg.Wait()
	count := map[int]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[201] != 1 || count[409] != clients-1 {
		t.Fatalf("answers = %v, want one 201", count)
	}
	e.smtp.WaitFor(t, 2, 10*time.Second)
	time.Sleep(time.Second)
	if n := len(e.smtp.Messages()); n != 2 {
		t.Fatalf("%d messages, want one invite and one notice", n)
	}
	// A manage link made by one web process works on the other.
	b := book(t, e, "consultation", firstSlots(t, web2, "consultation").Slots[5].Start, "sam@example.org")
	if code := do(t, "GET", web2+"/api/manage/"+tokenOf(b.ManageURL), "", nil); code != 200 {
		t.Fatalf("manage link on the other web process = %d", code)
	}
}
