package sim

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gapdeck/gapdeck/api"
)

// maxPageLimit is the largest page size the lists accept.
const maxPageLimit = 100

// page is one page of a list of total items.
type page struct {
	number, limit, total, numPages int
}

// newPage computes the page; an empty list still has one page.
func newPage(number, limit, total int) page {
	return page{number: number, limit: limit, total: total, numPages: max(1, (total+limit-1)/limit)}
}

// bounds are the item indexes [from, to) on the page.
func (p page) bounds() (from, to int) {
	from = min((p.number-1)*p.limit, p.total)
	return from, min(from+p.limit, p.total)
}

func (p page) hasNext() bool     { return p.number < p.numPages }
func (p page) hasPrevious() bool { return p.number > 1 }

// v1 is the pagination block of the v1/v2 lists (null page numbers at the ends).
func (p page) v1() api.Pagination {
	out := api.Pagination{
		Number:      api.Int(p.number),
		Paginator:   api.Paginator{NumPages: api.Int(p.numPages)},
		HasNext:     p.hasNext(),
		HasPrevious: p.hasPrevious(),
	}
	if p.hasNext() {
		n := api.Int(p.number + 1)
		out.NextPageNumber = &n
	}
	if p.hasPrevious() {
		n := api.Int(min(p.number-1, p.numPages))
		out.PreviousPageNumber = &n
	}
	return out
}

// legacyPagination is the Smart Fleets pagination: the legacy swagger types
// the page numbers as plain integers, so they are left out at the ends.
type legacyPagination struct {
	Number             int           `json:"number"`
	NextPageNumber     *int          `json:"next_page_number,omitempty"`
	PreviousPageNumber *int          `json:"previous_page_number,omitempty"`
	Paginator          api.Paginator `json:"paginator"`
	HasNext            bool          `json:"has_next"`
	HasPrevious        bool          `json:"has_previous"`
}

func (p page) legacy() legacyPagination {
	v := p.v1()
	out := legacyPagination{Number: p.number, Paginator: v.Paginator, HasNext: v.HasNext, HasPrevious: v.HasPrevious}
	if v.NextPageNumber != nil {
		n := int(*v.NextPageNumber)
		out.NextPageNumber = &n
	}
	if v.PreviousPageNumber != nil {
		n := int(*v.PreviousPageNumber)
		out.PreviousPageNumber = &n
	}
	return out
}

// pageParams reads page (default 1) and limit (default def, 1–100).
func pageParams(q url.Values, def int) (number, limit int, err error) {
	number, err = intParam(q, "page", 1, 1, 1<<30)
	if err != nil {
		return 0, 0, err
	}
	limit, err = intParam(q, "limit", def, 1, maxPageLimit)
	return number, limit, err
}

// intParam reads an integer query parameter within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s must be an integer, got %q", name, s)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s must be between %d and %d, got %d", name, lo, hi, n)
	}
	return n, nil
}

// paged slices items to the page.
func paged[T any](items []T, p page) []T {
	from, to := p.bounds()
	return items[from:to]
}
