package model

import (
	"encoding/json"
	"hash/fnv"
)

// contentRev is a revision derived from a row's content: equal content,
// equal Rev, so rows rebuilt from unchanged answers keep their render
// caches warm. Rows clear their own Rev field before calling it.
func contentRev(v any) uint64 {
	h := fnv.New64a()
	_ = json.NewEncoder(h).Encode(v)
	return h.Sum64()
}
