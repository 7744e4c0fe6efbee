package ui

import (
	"github.com/gapdeck/gapdeck/ui/table"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/model"
)

// Sorting by key (shift+letter), on every tab.

// sortCase is a sort key of the Deployments tab.
type sortCase struct {
	key, title, column string
}

var deploymentSortCases = []sortCase{
	{"I", "REQUEST ID", "id"},
	{"S", "STATUS", "status"},
	{"N", "APP", "app"},
	{"V", "VERSION", "version"},
	{"L", "LOCATION", "location"},
	{"A", "AGE", "age"},
	{"P", "PUBLIC IP", "ip"},
	{"K", "SOCKETS", "sockets"},
}

func TestSortKeys(t *testing.T) {
	t.Parallel()
	for _, sc := range deploymentSortCases {
		t.Run(sc.column, func(t *testing.T) {
			t.Parallel()
			h := settled(t, withSize(200, 40)) // wide enough for every sortable column
			// The default order is age ascending: A first reverses it.
			desc := sc.column == "age"
			var screens [2][]string
			for press := range 2 {
				h.press(sc.key)
				if h.app.store.Sort() != (model.Sort{Column: sc.column, Desc: desc}) {
					t.Fatalf("press %d of %s: store sorted by %+v", press+1, sc.key, h.app.store.Sort())
				}
				checkSortHeader(t, h.line(3), sc.title, desc)
				checkOrder(t, h, model.Sort{Column: sc.column, Desc: desc})
				screens[press] = h.rowIDs()
				desc = !desc
			}
			if slices.Equal(screens[0], screens[1]) {
				t.Fatalf("pressing %s again did not reverse the rows", sc.key)
			}
		})
	}
}

// checkSortHeader fails unless the header marks exactly one column, title,
// with the arrow of the direction. A narrow column's title is shortened
// with "…" to make room for the arrow.
func checkSortHeader(t *testing.T, hdr, title string, desc bool) {
	t.Helper()
	arrow := table.AscMark
	if desc {
		arrow = table.DescMark
	}
	short := regexp.MustCompile(regexp.QuoteMeta(title[:min(len(title), 4)]) + `[^ ]*` + arrow)
	if !strings.Contains(hdr, title+arrow) && !short.MatchString(hdr) {
		t.Fatalf("header %q does not mark %s%s", hdr, title, arrow)
	}
	if strings.Count(hdr, table.AscMark)+strings.Count(hdr, table.DescMark) != 1 {
		t.Fatalf("header marks more than one column: %q", hdr)
	}
}

// checkOrder fails unless the rows on screen are the store's rows at the
// table's window, in the order of s.
func checkOrder(t *testing.T, h *harness, s model.Sort) {
	t.Helper()
	less, err := model.DeploymentLess(s)
	if err != nil {
		t.Fatal(err)
	}
	ids := h.rowIDs()
	from, _ := h.deployments().list.table.VisibleRange()
	if want := model.IDs(h.app.store.Rows()[from : from+len(ids)]); !slices.Equal(ids, want) {
		t.Fatalf("screen rows %v are not the store's rows %v", ids, want)
	}
	for i := 1; i < len(ids); i++ {
		a, _ := h.app.store.Get(ids[i-1])
		b, _ := h.app.store.Get(ids[i])
		if less(b, a) {
			t.Fatalf("sort %+v: %s before %s", s, a.ID, b.ID)
		}
	}
}

// TestSortShowsTopOfNewOrder: sorting is how a user asks "errors first" or
// "oldest first"; the screen must then start with the first rows of the
// new order. (Today the table keeps the selected row on its screen line,
// so the rows sorted above it are scrolled out of sight.)
func TestSortShowsTopOfNewOrder(t *testing.T) {
	t.Parallel()
	for _, sc := range deploymentSortCases {
		t.Run(sc.column, func(t *testing.T) {
			t.Parallel()
			h := settled(t, withSize(200, 40))
			h.press(sc.key)
			if from, _ := h.deployments().list.table.VisibleRange(); from != 0 {
				first := h.app.store.Rows()[0]
				t.Fatalf("after %s the screen starts at row %d: row 0 (%s %s) is scrolled out of sight", sc.key, from, first.ID, first.Status.Name())
			}
		})
	}
}

func TestSortStatusPutsErrorsFirst(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("S", "g")
	if rows := h.rows(); !strings.Contains(rows[0], "ERROR") {
		t.Fatalf("status ascending does not start with ERROR:\n%s", h.view())
	}
	h.press("S", "g")
	if strings.Contains(h.rows()[0], "ERROR") {
		t.Fatalf("status descending starts with ERROR:\n%s", h.view())
	}
}

// TestNewDeploymentsShowAtTop: the default order is newest first and the
// cursor starts on the top row. A deployment created while the user
// watches must appear on screen, at the top. (Today the table keeps the
// selected row on its line, so the new row lands above the window.)
func TestNewDeploymentsShowAtTop(t *testing.T) {
	t.Parallel()
	h := settled(t)
	top := h.app.store.Rows()[0].ID
	h.settle(func() bool { return h.app.store.Rows()[0].ID != top })
	newest := h.app.store.Rows()[0]
	if got := h.rowIDs()[0]; got != newest.ID {
		t.Fatalf("new deployment %s (started %s) is not on screen; the first row shown is %s (window starts at %d)",
			newest.ID, newest.Started.Format(time.TimeOnly), got, firstOf(h.deployments().list.table.VisibleRange()))
	}
}

func TestSortKeysOtherTabs(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		tab, key, column, header string
		desc, numeric            bool
	}{
		{"2", "N", "name", "NAME", false, false},
		{"2", "N", "name", "NAME", true, false},
		{"4", "L", "city", "CITY", false, false},
		{"4", "L", "city", "CITY", true, false},
		{"4", "O", "country", "COUNTRY", false, false},
		{"4", "C", "count", "DEPLOYS", false, true},
		{"4", "C", "count", "DEPLOYS", true, true},
		{"3", "N", "name", "NAME", true, false}, // Policies start sorted by name
	}
	for _, tt := range tests {
		h.press(tt.tab, tt.key)
		checkSortHeader(t, h.line(3), tt.header, tt.desc)
		vals := h.column(tt.column)
		cmp := strings.Compare
		if tt.numeric {
			cmp = func(a, b string) int {
				x, _ := strconv.Atoi(a)
				y, _ := strconv.Atoi(b)
				return x - y
			}
		}
		if asc := cmp; tt.desc {
			cmp = func(a, b string) int { return asc(b, a) }
		}
		if len(vals) < 2 || !slices.IsSortedFunc(vals, cmp) {
			t.Fatalf("tab %s %s: %s %v not in order", tt.tab, tt.key, tt.column, vals)
		}
	}
}
