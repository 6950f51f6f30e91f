package booking

import (
	"context"
	"errors"
	"testing"
	"time"
)

// BenchmarkClaim claims a new slot on every iteration, so the therapist's
// index grows with b.N as a busy calendar would.
func BenchmarkClaim(b *testing.B) {
	s, _ := newStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		start := base.Add(time.Duration(i) * time.Hour)
		i++
		if _, created, err := s.Claim(ctx, session("ada", start, 50*time.Minute, 10*time.Minute), "", Guard{}); err != nil || !created {
			b.Fatalf("claim: %v %v", created, err)
		}
	}
}

// BenchmarkClaimParallel has all goroutines compete for slots of one
// therapist, half of them already taken: the contended case.
func BenchmarkClaimParallel(b *testing.B) {
	s, _ := newStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			start := base.Add(time.Duration(i%2000) * 30 * time.Minute)
			i++
			if _, _, err := s.Claim(ctx, session("ada", start, 50*time.Minute, 10*time.Minute), "", Guard{}); err != nil && !errors.Is(err, ErrSlotTaken) {
				b.Fatal(err)
			}
		}
	})
}
