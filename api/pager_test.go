package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// vendorPagination is the reference example's block: has_next true on the
// only page, whose next_page_number is the page itself.
const vendorPagination = `{"number":1,"next_page_number":1,"previous_page_number":null,"paginator":{"num_pages":1},"has_next":true,"has_previous":false}`

func TestPagerRules(t *testing.T) {
	n := func(i int) *Int { v := Int(i); return &v }
	pg := func(next *Int, numPages int, hasNext bool) *Pagination {
		return &Pagination{NextPageNumber: next, Paginator: Paginator{NumPages: Int(numPages)}, HasNext: hasNext}
	}
	cases := []struct {
		name string
		in   PageInfo
		want PageStop
	}{
		{"has_next false", PageInfo{Rows: 10, Pagination: pg(n(2), 5, false)}, StopHasNext},
		{"no next number", PageInfo{Rows: 10, Pagination: pg(nil, 5, true)}, StopNoNext},
		{"next not past", PageInfo{Rows: 10, Pagination: pg(n(1), 5, true)}, StopNoNext},
		{"num_pages reached", PageInfo{Rows: 10, Pagination: pg(n(2), 1, true)}, StopNumPages},
		{"empty page", PageInfo{Rows: 0, Pagination: pg(n(2), 5, true)}, StopEmptyPage},
		{"total seen", PageInfo{Rows: 10, TotalCount: 10, Pagination: pg(n(2), 0, true)}, StopTotalCount},
		{"no pagination", PageInfo{Rows: 10}, StopNoNext},
		{"more", PageInfo{Rows: 10, TotalCount: 30, Pagination: pg(n(2), 3, true)}, ""},
	}
	for _, c := range cases {
		var p Pager
		next, stop := p.Next(c.in)
		if stop != c.want {
			t.Errorf("%s: stop %q, want %q", c.name, stop, c.want)
		}
		if (stop == "") != (next == 2) {
			t.Errorf("%s: next page %d with stop %q", c.name, next, stop)
		}
	}
}

func TestPagerCapFromTotalCount(t *testing.T) {
	// A server that always says there is a next page and repeats rows:
	// total_count 25 with 10 rows a page allows 3 pages and one spare.
	var p Pager
	pages := 0
	for page := 1; page > 0; {
		pages++
		nx := Int(page + 1)
		page, _ = p.Next(PageInfo{Rows: 10, TotalCount: 1 << 30, Pagination: &Pagination{NextPageNumber: &nx, HasNext: true}})
		if pages > MaxPages+1 {
			t.Fatal("the pager never stopped")
		}
	}
	if pages != MaxPages || p.Stopped() != StopPageCap {
		t.Fatalf("read %d pages, stopped by %q; want %d by the absolute cap", pages, p.Stopped(), MaxPages)
	}
	p, pages = Pager{}, 0
	for page := 1; page > 0; {
		pages++
		nx := Int(page + 1)
		page, _ = p.Next(PageInfo{Rows: 10, TotalCount: 25, Pagination: &Pagination{NextPageNumber: &nx, HasNext: true}})
	}
	if pages != 3 || p.Stopped() != StopTotalCount {
		t.Fatalf("read %d pages, stopped by %q; want 3 by total_count", pages, p.Stopped())
	}
}

// loopingList answers every page of a list with one row and the vendor's
// "has_next: true" pagination, counting the requests.
func loopingList(key string, calls *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		next := page + 1
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{%q:[{"name":"row-%d","request_id":"r%d","city":"c%d","created_at":"2026-01-01 00:00:00.000000"}],"total_count":1,"pagination":{"number":%d,"next_page_number":%d,"paginator":{"num_pages":1},"has_next":true}}`,
			key, n, n, n, page, next)
	}
}

func TestAllFleetsAndPoliciesStopOnTheVendorExample(t *testing.T) {
	for _, tc := range []struct {
		key  string
		read func(*Client) (int, error)
	}{
		{"fleets", func(c *Client) (int, error) { l, err := c.AllFleets(context.Background()); return len(l), err }},
		{"policies", func(c *Client) (int, error) { l, err := c.AllPolicies(context.Background(), "f"); return len(l), err }},
		{"tags", func(c *Client) (int, error) {
			l, err := c.AllDeploymentTags(context.Background(), "d")
			return len(l), err
		}},
		{"locations", func(c *Client) (int, error) {
			l, err := c.AllLocations(context.Background(), LocationsParams{})
			return len(l), err
		}},
	} {
		var calls atomic.Int64
		c := newTestClient(t, loopingList(tc.key, &calls), func(o *Options) { o.Clock = newVirtualClock() })
		n, err := tc.read(c)
		if err != nil {
			t.Fatalf("%s: %v", tc.key, err)
		}
		if calls.Load() != 1 || n != 1 {
			t.Errorf("%s: %d requests for %d rows; want 1 request (num_pages 1, total_count 1)", tc.key, calls.Load(), n)
		}
	}
}

func TestAllDeploymentsStopsOnTheVendorExample(t *testing.T) {
	var calls atomic.Int64
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[{"request_id":"a1"}],"total_count":1,"pagination":%s}`, vendorPagination)
	}, func(o *Options) { o.Clock = newVirtualClock() })
	n := 0
	for _, err := range c.AllDeployments(context.Background(), nil, 0) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if calls.Load() != 1 || n != 1 {
		t.Fatalf("%d requests, %d rows; want 1 and 1", calls.Load(), n)
	}
}

func TestAllLocationsReadsEveryPage(t *testing.T) {
	const total = 250
	var calls atomic.Int64
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if page < 1 {
			page = 1
		}
		if limit < 1 || limit > 100 {
			limit = 100
		}
		numPages := (total + limit - 1) / limit
		var rows []string
		for i := (page - 1) * limit; i < min(page*limit, total); i++ {
			rows = append(rows, fmt.Sprintf(`{"city":"city-%d","country":"X"}`, i))
		}
		next := "null"
		if page < numPages {
			next = strconv.Itoa(page + 1)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"locations":[%s],"total_count":%d,"pagination":{"number":%d,"next_page_number":%s,"paginator":{"num_pages":%d},"has_next":%t}}`,
			strings.Join(rows, ","), total, page, next, numPages, page < numPages)
	}, func(o *Options) { o.Clock = newVirtualClock() })
	locs, err := c.AllLocations(context.Background(), LocationsParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != total || calls.Load() != 3 {
		t.Fatalf("%d locations in %d requests; want %d in 3", len(locs), calls.Load(), total)
	}
	if locs[total-1].City != fmt.Sprintf("city-%d", total-1) {
		t.Fatalf("last location %q", locs[total-1].City)
	}
}

// The applications, versions and storage endpoints lists are read page
// after page through the one pager.
func TestAllAppsVersionsAndEndpointsReadEveryPage(t *testing.T) {
	const total = 230
	for _, tc := range []struct {
		key  string
		read func(c *Client) ([]string, error)
	}{
		{"applications", func(c *Client) ([]string, error) {
			l, err := c.AllApps(context.Background())
			var names []string
			for _, a := range l {
				names = append(names, a.Name)
			}
			return names, err
		}},
		{"versions", func(c *Client) ([]string, error) {
			l, err := c.AllAppVersions(context.Background(), "kart")
			var names []string
			for _, v := range l {
				names = append(names, v.Name)
			}
			return names, err
		}},
		{"endpoints", func(c *Client) ([]string, error) {
			l, err := c.AllStorageEndpoints(context.Background())
			var names []string
			for _, e := range l {
				names = append(names, e.Name)
			}
			return names, err
		}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			var calls atomic.Int64
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
				if limit != MaxPageSize {
					t.Errorf("limit %d, want %d", limit, MaxPageSize)
				}
				numPages := (total + limit - 1) / limit
				var rows []string
				for i := (page - 1) * limit; i < min(page*limit, total); i++ {
					rows = append(rows, fmt.Sprintf(`{"name":"n-%d","is_active":true}`, i))
				}
				next := "null"
				if page < numPages {
					next = strconv.Itoa(page + 1)
				}
				fmt.Fprintf(w, `{%q:[%s],"total_count":%d,"pagination":{"number":%d,"next_page_number":%s,"previous_page_number":null,"paginator":{"num_pages":%d},"has_next":%t,"has_previous":false}}`,
					tc.key, strings.Join(rows, ","), total, page, next, numPages, page < numPages)
			}, func(o *Options) { o.Clock = newVirtualClock() })
			names, err := tc.read(c)
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != total || calls.Load() != 3 || names[total-1] != fmt.Sprintf("n-%d", total-1) {
				t.Fatalf("%d rows in %d requests; want %d in 3", len(names), calls.Load(), total)
			}
		})
	}
}
