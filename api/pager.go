package api

// One pager for every paginated endpoint. The pagination flags the API
// sends may contradict each other (the vendor's own example has has_next
// true on its only page, with next_page_number 1), so a read stops on the
// first rule that says the list is over, and reports which.

// PageStop names the rule that ended a paginated read; "" while it goes on.
type PageStop string

// The rules that end a paginated read, in the order they are checked.
const (
	StopHasNext    PageStop = "has_next is false"
	StopNoNext     PageStop = "next_page_number missing or not past the page read"
	StopNumPages   PageStop = "paginator.num_pages reached"
	StopEmptyPage  PageStop = "empty page"
	StopTotalCount PageStop = "total_count rows seen"
	StopPageCap    PageStop = "page cap reached"
)

// MaxPages is the absolute page cap of one read when the API gives no
// usable total_count.
const MaxPages = 1000

// PageInfo is what one answer says about the pagination: the rows it held
// and its pagination block (nil: the answer had none, so it is the only
// page), and total_count when the API sent one (0: unknown).
type PageInfo struct {
	Rows       int
	TotalCount int
	Pagination *Pagination
}

// Pager follows a paginated list from page 1. Feed each answer to Next;
// the zero value is ready.
type Pager struct {
	page, seen, cap int
	stop            PageStop
}

// Page is the page to read next (1 before the first answer).
func (p *Pager) Page() int { return max(p.page, 1) }

// Seen is the number of rows read so far.
func (p *Pager) Seen() int { return p.seen }

// Stopped is the rule that ended the read ("" while it goes on).
func (p *Pager) Stopped() PageStop { return p.stop }

// Next records the answer for Page() and returns the page to read next,
// or 0 and the rule that ended the read.
func (p *Pager) Next(in PageInfo) (next int, stop PageStop) {
	if p.stop != "" {
		return 0, p.stop
	}
	page := p.Page()
	p.seen += in.Rows
	if p.cap == 0 {
		p.cap = MaxPages
		if in.TotalCount > 0 && in.Rows > 0 {
			// Pages hold as many rows as the first one: one spare page.
			p.cap = min(MaxPages, (in.TotalCount+in.Rows-1)/in.Rows+1)
		}
	}
	pg := in.Pagination
	switch {
	case pg == nil:
		p.stop = StopNoNext
	case !pg.HasNext:
		p.stop = StopHasNext
	case pg.NextPageNumber == nil || int(*pg.NextPageNumber) <= page:
		p.stop = StopNoNext
	case pg.Paginator.NumPages > 0 && page >= int(pg.Paginator.NumPages):
		p.stop = StopNumPages
	case in.Rows == 0:
		p.stop = StopEmptyPage
	case in.TotalCount > 0 && p.seen >= in.TotalCount:
		p.stop = StopTotalCount
	case page >= p.cap:
		p.stop = StopPageCap
	}
	if p.stop != "" {
		return 0, p.stop
	}
	p.page = int(*pg.NextPageNumber)
	return p.page, ""
}

// PageInfo is what this page says about the pagination.
func (l *DeploymentList) PageInfo() PageInfo {
	return PageInfo{Rows: l.Loose.sentRows(len(l.Data)), TotalCount: int(l.TotalCount), Pagination: &l.Pagination}
}

// readAll collects a paginated list, fetching page after page until the
// pager stops; it logs the rule that stopped it.
func readAll[T any](c *Client, path string, fetch func(page int) ([]T, PageInfo, error)) ([]T, error) {
	var out []T
	var pg Pager
	for page := 1; page > 0; {
		items, info, err := fetch(page)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		page, _ = pg.Next(info)
	}
	c.logPagerStop(path, &pg)
	return out, nil
}

// logPagerStop notes in the debug log which rule ended a paginated read.
func (c *Client) logPagerStop(path string, pg *Pager) {
	c.log.Debug("api pager stopped", "path", path, "rule", string(pg.Stopped()), "pages", pg.Page(), "rows", pg.Seen())
}
