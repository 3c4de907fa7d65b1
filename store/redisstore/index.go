package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wecomkit/wecomkit/store"
)

// Add implements [store.Adder] with SET key value NX [PX ttl]: Redis
// stores the value only if the key does not exist, and an expired key no
// longer exists. A positive ttl is rounded up to whole milliseconds.
func (s *Store) Add(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	if ttl < 0 {
		return false, store.ErrNegativeTTL
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: add: %w", err)
	}
	err := s.client.SetArgs(ctx, s.prefix+key, value, redis.SetArgs{Mode: "NX", TTL: roundMillis(ttl)}).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil // the key exists
	}
	if err != nil {
		return false, fmt.Errorf("redisstore: add: %w", err)
	}
	return true, nil
}

// maxExactScore bounds the scores an index takes: Redis keeps a sorted
// set's scores as float64, exact for integers up to 2^53 in magnitude.
// Unix milliseconds are far below.
const maxExactScore = 1 << 53

// errScoreRange is wrapped by index writes given a score Redis would round.
var errScoreRange = errors.New("score beyond ±2^53, which Redis cannot keep exactly")

func checkScore(score int64) error {
	if score > maxExactScore || score < -maxExactScore {
		return fmt.Errorf("%w: %d", errScoreRange, score)
	}
	return nil
}

// IndexAdd implements [store.Index] with ZADD index NX score member. The
// index is the sorted set at the store's prefix followed by index, one key
// (so on Redis Cluster an index lives whole on one master). Scores must be
// within ±2^53: Redis keeps them as floating-point numbers, and a larger
// one is refused rather than rounded.
func (s *Store) IndexAdd(ctx context.Context, index, member string, score int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: index-add: %w", err)
	}
	if err := checkScore(score); err != nil {
		return false, fmt.Errorf("redisstore: index-add: %w", err)
	}
	n, err := s.client.ZAddNX(ctx, s.prefix+index, redis.Z{Score: float64(score), Member: member}).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: index-add: %w", err)
	}
	return n == 1, nil
}

// IndexSet implements [store.Index] with ZADD index score member. Scores
// must be within ±2^53, as for [Store.IndexAdd].
func (s *Store) IndexSet(ctx context.Context, index, member string, score int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: index-set: %w", err)
	}
	if err := checkScore(score); err != nil {
		return fmt.Errorf("redisstore: index-set: %w", err)
	}
	if err := s.client.ZAdd(ctx, s.prefix+index, redis.Z{Score: float64(score), Member: member}).Err(); err != nil {
		return fmt.Errorf("redisstore: index-set: %w", err)
	}
	return nil
}

// IndexRemove implements [store.Index] with ZREM. Redis deletes a sorted
// set left without members.
func (s *Store) IndexRemove(ctx context.Context, index, member string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: index-remove: %w", err)
	}
	if err := s.client.ZRem(ctx, s.prefix+index, member).Err(); err != nil {
		return fmt.Errorf("redisstore: index-remove: %w", err)
	}
	return nil
}

// IndexRange implements [store.Index] with ZRANGE index -inf max BYSCORE
// LIMIT 0 limit WITHSCORES (Redis 6.2 or later). Redis orders members of
// equal score by their bytes, as the contract asks.
func (s *Store) IndexRange(ctx context.Context, index string, max int64, limit int) ([]store.Scored, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("redisstore: index-range: %w", err)
	}
	if limit <= 0 {
		return nil, nil // LIMIT 0 0 would be fine, but a negative count means all
	}
	// Redis would parse a bound beyond ±2^53 as the nearest float64, which
	// may be a stored score: such bounds are decided here.
	stop := strconv.FormatInt(max, 10)
	switch {
	case max < -maxExactScore:
		return nil, nil // below every score an index can hold
	case max >= maxExactScore:
		stop = "+inf"
	}
	zs, err := s.client.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{
		Key:     s.prefix + index,
		Start:   "-inf",
		Stop:    stop,
		ByScore: true,
		Count:   int64(limit),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: index-range: %w", err)
	}
	if len(zs) == 0 {
		return nil, nil
	}
	out := make([]store.Scored, len(zs))
	for i, z := range zs {
		m, ok := z.Member.(string)
		if !ok {
			return nil, fmt.Errorf("redisstore: index-range: member of type %T", z.Member)
		}
		out[i] = store.Scored{Member: m, Score: int64(z.Score)}
	}
	return out, nil
}

// IndexLen implements [store.Index] with ZCARD.
func (s *Store) IndexLen(ctx context.Context, index string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("redisstore: index-len: %w", err)
	}
	n, err := s.client.ZCard(ctx, s.prefix+index).Result()
	if err != nil {
		return 0, fmt.Errorf("redisstore: index-len: %w", err)
	}
	return n, nil
}
