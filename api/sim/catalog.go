package sim

import (
	"github.com/gapdeck/gapdeck/api"
)

// location is one real place deployments run, with the weight of its share
// of the simulated population and the first two octets of its public IPs.
type location struct {
	api.Location
	weight float64
	region string
}

// locations are real cities with real coordinates. Timezone names follow the
// style the API uses ("Eastern Time").
var locations = []location{
	{loc("Montreal", "Canada", "North America", "Quebec", "Eastern Time", 45.508888, -73.561668), 3, "ca-east"},
	{loc("Toronto", "Canada", "North America", "Ontario", "Eastern Time", 43.653226, -79.383184), 2, "ca-central"},
	{loc("Ashburn", "United States", "North America", "Virginia", "Eastern Time", 39.043757, -77.487442), 4, "us-east"},
	{loc("Miami", "United States", "North America", "Florida", "Eastern Time", 25.76168, -80.19179), 2, "us-southeast"},
	{loc("Chicago", "United States", "North America", "Illinois", "Central Time", 41.878114, -87.629798), 3, "us-central"},
	{loc("Dallas", "United States", "North America", "Texas", "Central Time", 32.776664, -96.796988), 3, "us-south"},
	{loc("Los Angeles", "United States", "North America", "California", "Pacific Time", 34.052234, -118.243685), 3, "us-west"},
	{loc("Seattle", "United States", "North America", "Washington", "Pacific Time", 47.606209, -122.332071), 2, "us-northwest"},
	{loc("São Paulo", "Brazil", "South America", "São Paulo", "Brasilia Time", -23.55052, -46.633308), 3, "br-southeast"},
	{loc("Santiago", "Chile", "South America", "Santiago Metropolitan Region", "Chile Standard Time", -33.44889, -70.669265), 1, "cl-central"},
	{loc("London", "United Kingdom", "Europe", "England", "Greenwich Mean Time", 51.507351, -0.127758), 3, "gb-south"},
	{loc("Paris", "France", "Europe", "Île-de-France", "Central European Time", 48.856614, 2.352222), 2, "fr-north"},
	{loc("Madrid", "Spain", "Europe", "Community of Madrid", "Central European Time", 40.416775, -3.70379), 1, "es-central"},
	{loc("Amsterdam", "Netherlands", "Europe", "North Holland", "Central European Time", 52.367573, 4.904139), 2, "nl-west"},
	{loc("Frankfurt", "Germany", "Europe", "Hesse", "Central European Time", 50.110922, 8.682127), 4, "de-central"},
	{loc("Warsaw", "Poland", "Europe", "Masovian Voivodeship", "Central European Time", 52.229676, 21.012229), 2, "pl-central"},
	{loc("Stockholm", "Sweden", "Europe", "Stockholm County", "Central European Time", 59.329323, 18.068581), 1, "se-east"},
	{loc("Johannesburg", "South Africa", "Africa", "Gauteng", "South Africa Standard Time", -26.204103, 28.047305), 1, "za-north"},
	{loc("Dubai", "United Arab Emirates", "Asia", "Dubai", "Gulf Standard Time", 25.204849, 55.270783), 1, "ae-north"},
	{loc("Mumbai", "India", "Asia", "Maharashtra", "India Standard Time", 19.075984, 72.877656), 2, "in-west"},
	{loc("Singapore", "Singapore", "Asia", "Central Region", "Singapore Standard Time", 1.352083, 103.819836), 3, "sg-central"},
	{loc("Hong Kong", "Hong Kong", "Asia", "Hong Kong", "Hong Kong Time", 22.319304, 114.169361), 2, "hk-central"},
	{loc("Seoul", "South Korea", "Asia", "Seoul", "Korea Standard Time", 37.566535, 126.977969), 2, "kr-central"},
	{loc("Tokyo", "Japan", "Asia", "Tokyo", "Japan Standard Time", 35.676192, 139.650311), 3, "jp-east"},
	{loc("Sydney", "Australia", "Oceania", "New South Wales", "Australian Eastern Time", -33.86882, 151.209296), 2, "au-southeast"},
}

func loc(city, country, continent, division, tz string, lat, long float64) api.Location {
	return api.Location{
		City: city, Country: country, Continent: continent,
		AdministrativeDivision: division, Timezone: tz,
		Latitude: api.Float(lat), Longitude: api.Float(long),
	}
}

// locationType is the legacy location type every simulated location has.
const locationType = "standard"

// locationByCity returns the index of the location in city, or -1.
func locationByCity(city string) int {
	for i, l := range locations {
		if l.City == city {
			return i
		}
	}
	return -1
}

// portSpec describes one port an app version exposes.
type portSpec struct {
	name       string
	internal   int
	protocol   string
	tlsUpgrade bool
}

// app is a simulated application with the versions the world draws
// (oldest first); extraVersions adds the ones it never draws.
type app struct {
	name     string
	versions []string
	ports    []portSpec
	sockets  int
	cpuUnits int
	memoryMB int
	weight   float64
}

// oversizedVersion is the version every app has that never fits anywhere:
// deploying it always answers 422 "Couldn't Allocate Server".
const oversizedVersion = "oversized"

// maxCPUUnits is the largest resources.cpu_units a v2 deploy can allocate.
const maxCPUUnits = 16384

var gamePort = portSpec{name: "gameport", internal: 7777, protocol: "UDP"}
var webPort = portSpec{name: "web", internal: 8080, protocol: "http", tlsUpgrade: true}

var apps = []app{
	{name: "kart-racing", versions: []string{"2026.03.1", "2026.04.2", oversizedVersion}, ports: []portSpec{gamePort, webPort}, sockets: 8, cpuUnits: 512, memoryMB: 1024, weight: 3},
	{name: "arena-shooter", versions: []string{"v1.8.0", "v1.9.3", oversizedVersion}, ports: []portSpec{gamePort}, sockets: 16, cpuUnits: 1024, memoryMB: 2048, weight: 3},
	{name: "cozy-farm", versions: []string{"0.14.0", "0.15.1", oversizedVersion}, ports: []portSpec{{name: "gameport", internal: 7777, protocol: "TCP"}, webPort}, sockets: 4, cpuUnits: 256, memoryMB: 512, weight: 2},
	{name: "battle-royale", versions: []string{"season-11", "season-12", oversizedVersion}, ports: []portSpec{gamePort, {name: "voice", internal: 7778, protocol: "UDP"}}, sockets: 64, cpuUnits: 2048, memoryMB: 4096, weight: 2},
}

// findApp returns the app called name.
func findApp(name string) (*app, bool) {
	for i := range apps {
		if apps[i].name == name {
			return &apps[i], true
		}
	}
	return nil, false
}

// hasVersion reports whether the app has version v (drawn or extra).
func (a *app) hasVersion(v string) bool {
	for _, x := range a.allVersions() {
		if x == v {
			return true
		}
	}
	return false
}

// latestVersion is the newest deployable version (the one a v1 deploy
// without version_name gets).
func (a *app) latestVersion() string {
	for i := len(a.versions) - 1; i >= 0; i-- {
		if a.versions[i] != oversizedVersion {
			return a.versions[i]
		}
	}
	return a.versions[0]
}

// hasCapacity reports whether location li can take version of app now: a
// fixed, deterministic subset per app version; oversized fits nowhere.
func hasCapacity(appName, version string, li int) bool {
	if version == oversizedVersion {
		return false
	}
	return hash(hashString(appName), hashString(version), uint64(li))%5 != 0
}

// locationTags are the legacy key/value tags of a location (`?tags=true`).
func locationTags(l location) []api.LocationTag {
	return []api.LocationTag{
		{Key: "region", Value: l.region},
		{Key: "continent", Value: l.Continent},
	}
}
