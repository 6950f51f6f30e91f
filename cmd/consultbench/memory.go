package main

import (
	"context"
	"regexp"
	"sort"

	"github.com/redis/go-redis/v9"
)

// keyClass is every key of one shape (ids and hashes blanked out) with
// its total MEMORY USAGE.
type keyClass struct {
	pattern string
	keys    int
	bytes   int64
}

var (
	bookingIDPattern = regexp.MustCompile(`default_[a-z2-7]{26}`)
	hashPattern      = regexp.MustCompile(`[0-9a-f]{64}`)
	numberPattern    = regexp.MustCompile(`:[0-9]+(:|$)`)
)

// keyClasses sums MEMORY USAGE over every key in Redis by shape, largest
// first.
func (b *bench) keyClasses(ctx context.Context) ([]keyClass, error) {
	classes := map[string]*keyClass{}
	iter := b.rdb.Scan(ctx, 0, "*", 1000).Iterator()
	var batch []string
	flush := func() error {
		pipe := b.rdb.Pipeline()
		cmds := make([]*redis.IntCmd, len(batch))
		for i, k := range batch {
			cmds[i] = pipe.MemoryUsage(ctx, k, 0)
		}
		if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
			return err
		}
		for i, k := range batch {
			p := bookingIDPattern.ReplaceAllString(k, "<id>")
			p = hashPattern.ReplaceAllString(p, "<sha256>")
			p = numberPattern.ReplaceAllString(p, ":<n>$1")
			c := classes[p]
			if c == nil {
				c = &keyClass{pattern: p}
				classes[p] = c
			}
			c.keys++
			c.bytes += cmds[i].Val()
		}
		batch = batch[:0]
		return nil
	}
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == 1000 {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	out := make([]keyClass, 0, len(classes))
	for _, c := range classes {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].bytes > out[j].bytes })
	return out, nil
}
