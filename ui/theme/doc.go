// Package theme is gapdeck's look: the semantic colours of a Theme
// (configurable by name, adaptive to dark and light backgrounds), the Tone
// of a piece of text, and the Styles built once from a theme for the colour
// profile in force, which every view copies what it needs from.
//
// It is a leaf: it knows lipgloss and termenv, nothing of the API, the
// model or the views. Mapping domain values to tones (a deployment status
// to ToneGood) is the views' business.
package theme
