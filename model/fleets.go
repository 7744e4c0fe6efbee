package model

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gapdeck/gapdeck/api"
)

// PolicySummary says in one line what a policy selects: its location
// filters ("continent any Europe, North America"), its tags, or its
// coordinates and radius; the raw data for anything else.
func PolicySummary(p api.Policy) string {
	switch p.Type {
	case api.PolicyLocation:
		filters, err := p.LocationFilters()
		if err != nil {
			break
		}
		parts := make([]string, len(filters))
		for i, f := range filters {
			parts[i] = strings.TrimSpace(f.Field + " " + f.FilterType + " " + strings.Join(f.Values, ", "))
		}
		return strings.Join(parts, "; ")
	case api.PolicyTag:
		var d struct{ Tags []string }
		if json.Unmarshal(p.Data, &d) == nil && d.Tags != nil {
			return "tags " + strings.Join(d.Tags, ", ")
		}
	case api.PolicyCoordinates:
		var d struct {
			Latitude  api.Float `json:"latitude"`
			Longitude api.Float `json:"longitude"`
			RadiusKm  api.Float `json:"radius_km"`
		}
		if json.Unmarshal(p.Data, &d) == nil {
			return fmt.Sprintf("%s, %s within %s km", fmtFloat(d.Latitude), fmtFloat(d.Longitude), fmtFloat(d.RadiusKm))
		}
	}
	if len(p.Data) == 0 || string(p.Data) == "null" {
		return ""
	}
	return string(p.Data)
}

func fmtFloat(f api.Float) string { return strconv.FormatFloat(float64(f), 'f', -1, 64) }
