// Package ui is gapdeck's console: Bubble Tea models and views over the
// model package's state and the api client. The root App attaches to an
// engine (model/engine), routes keys and messages to the tabs, dialogs and
// sub-views, and renders them from the engine's snapshots.
//
// Its components that know nothing of the views live in leaf sub-packages
// (TestLeafPackages keeps them leaves):
//
//   - ui/table: the pre-rendered, cached, read-only table every tab shows;
//   - ui/theme: the semantic colours, tones and the Styles built once;
//   - ui/keys: parsing and checking a key as a configuration writes it;
//   - ui/termtext: the one way outside text reaches the terminal.
package ui
