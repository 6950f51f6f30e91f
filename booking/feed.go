package booking

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// feedGen numbers the therapist's current private-feed link; raising it
// revokes every link made before.
func (k keys) feedGen() string { return k.prefix + "feedgen" }

// FeedGeneration is the number the therapist's valid feed link carries.
func (s *Store) FeedGeneration(ctx context.Context, therapistID string) (int64, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return 0, err
	}
	n, err := s.rdb.Get(ctx, keysFor(therapistID).feedGen()).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("feed generation of %s: %w", therapistID, err)
	}
	return n, nil
}

// RotateFeed revokes the therapist's feed links and returns the new number.
func (s *Store) RotateFeed(ctx context.Context, therapistID string) (int64, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return 0, err
	}
	n, err := s.rdb.Incr(ctx, keysFor(therapistID).feedGen()).Result()
	if err != nil {
		return 0, fmt.Errorf("rotate feed of %s: %w", therapistID, err)
	}
	return n, nil
}
