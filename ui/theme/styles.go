package theme

import (
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
)

// Tone is the semantic colour of a table cell or a piece of text. Styles maps
// each Tone to a foreground style (Styles.Tone) and to the same tone on the
// selected-row background (Styles.SelectedTone).
type Tone uint8

// The tones. ToneCount is the number of tones, not a tone.
const (
	ToneNormal Tone = iota
	ToneGood
	ToneWarn
	ToneBad
	TonePending
	ToneEnded
	ToneMuted
	ToneInfo
	ToneCount
)

// Styles are built once from a Theme by NewStyles and shared by every
// component. Never build styles in View or in loops: copy the ones you need
// at construction time.
//
// The table styles (TableHeader, TableHeaderSorted, Cell, Selected, Tone,
// SelectedTone) are inline: colours and text attributes only, never width,
// padding, margins or borders, because the Table sizes cells itself.
type Styles struct {
	// App wraps the whole screen.
	App lipgloss.Style
	// Header is the top chrome; HeaderKey and HeaderValue are its
	// "Org: acme" pairs.
	Header, HeaderKey, HeaderValue lipgloss.Style
	// Title is a view or dialog title.
	Title lipgloss.Style
	// TabActive, TabInactive and TabCount render the tab bar ("Deployments 42").
	TabActive, TabInactive, TabCount lipgloss.Style
	// Footer is the bottom line; HelpKey, HelpDesc and HelpSep render key hints.
	Footer, HelpKey, HelpDesc, HelpSep lipgloss.Style
	// FlashInfo and FlashError are the transient flash messages.
	FlashInfo, FlashError lipgloss.Style
	// BadgeDemo, BadgeReadOnly and BadgeStale are header badges.
	BadgeDemo, BadgeReadOnly, BadgeStale lipgloss.Style
	// HealthOK, HealthDegraded and HealthDown colour the API health indicator.
	HealthOK, HealthDegraded, HealthDown lipgloss.Style
	// TableHeader is the table's header line; TableHeaderSorted the sorted
	// column's title.
	TableHeader, TableHeaderSorted lipgloss.Style
	// Cell is a plain table cell (the same as Tone[ToneNormal]).
	Cell lipgloss.Style
	// Selected is the row under the cursor (its padding and separators).
	Selected lipgloss.Style
	// Muted is secondary text.
	Muted lipgloss.Style
	// Border colours rules and box borders.
	Border lipgloss.Style
	// DetailKey and DetailValue render "key: value" lines of detail views.
	DetailKey, DetailValue lipgloss.Style
	// ErrorBox frames a full-pane error; Dialog frames a confirmation.
	ErrorBox, Dialog lipgloss.Style
	// Prompt is the ":" / "/" input prompt.
	Prompt lipgloss.Style

	// Tone is the foreground style of each Tone.
	Tone [ToneCount]lipgloss.Style
	// SelectedTone is each Tone on the selected-row background.
	SelectedTone [ToneCount]lipgloss.Style

	// NoColor reports that the styles carry no colours (NO_COLOR); only text
	// attributes such as bold, faint and reverse remain.
	NoColor bool

	// Renderer made every style here; make any other style with it.
	Renderer *lipgloss.Renderer
}

// palette builds styles from a Theme, dropping every colour when noColor is
// set so NewStyles needs no per-style branching.
type palette struct {
	r       *lipgloss.Renderer
	noColor bool
}

// fg returns a style with foreground c (no colour in noColor mode).
func (p palette) fg(c lipgloss.AdaptiveColor) lipgloss.Style {
	return p.withFg(p.r.NewStyle(), c)
}

// withFg adds foreground c to s unless in noColor mode.
func (p palette) withFg(s lipgloss.Style, c lipgloss.AdaptiveColor) lipgloss.Style {
	if p.noColor {
		return s
	}
	return s.Foreground(c)
}

// badge is a padded, bold label on background bg; in noColor mode it is
// reversed so it still stands out.
func (p palette) badge(bg lipgloss.AdaptiveColor) lipgloss.Style {
	s := p.r.NewStyle().Bold(true).Padding(0, 1)
	if p.noColor {
		return s.Reverse(true)
	}
	white := forProfile(p.r.ColorProfile(), "#FFFFFF")
	return s.Foreground(lipgloss.AdaptiveColor{Light: white, Dark: white}).Background(bg)
}

// box is a rounded frame whose border has colour c.
func (p palette) box(c lipgloss.AdaptiveColor) lipgloss.Style {
	s := p.r.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
	if p.noColor {
		return s
	}
	return s.BorderForeground(c)
}

// NewStyles builds the Styles of theme t. With noColor (NO_COLOR) no style
// carries a colour; the selected row is reversed and bold, errors are bold and
// ended or muted text is faint, so state stays readable.
//
// Attributes still need a colour profile other than termenv.Ascii to reach the
// terminal: lipgloss maps NO_COLOR to Ascii, which drops bold and reverse too.
// To keep the cursor visible under NO_COLOR, set the profile to termenv.ANSI
// and pass noColor=true. With an Ascii profile the Table marks the selected
// row with a '>' gutter instead.
//
// Colours are converted to the colour profile in force (lipgloss's, which
// must be set before) once here: lipgloss would otherwise convert every hex
// colour on every Render, and on a 256-colour terminal (tmux, screen) that
// search of the palette was most of a frame's time.
func NewStyles(t Theme, noColor bool) *Styles {
	return NewStylesFor(lipgloss.DefaultRenderer(), t, noColor)
}

// NewStylesFor is NewStyles for one output's renderer: its colour profile
// and background, every style made by it. A served session (gapdeck
// serve) builds its styles from its own renderer, never the process's.
func NewStylesFor(r *lipgloss.Renderer, t Theme, noColor bool) *Styles {
	t = t.forProfile(r.ColorProfile())
	p := palette{r: r, noColor: noColor}
	bold := r.NewStyle().Bold(true)
	faint := r.NewStyle().Faint(true)

	s := &Styles{NoColor: noColor, Renderer: r}
	s.App = r.NewStyle()
	s.Header = r.NewStyle()
	s.HeaderKey = p.fg(t.Muted)
	s.HeaderValue = p.withFg(bold, t.Text)
	s.Title = p.withFg(bold, t.Accent)
	s.TabActive = p.withFg(bold, t.Accent).Underline(true)
	s.TabInactive = p.fg(t.Muted)
	s.TabCount = p.fg(t.Subtle)
	s.Footer = p.fg(t.Muted)
	s.HelpKey = p.withFg(bold, t.Accent)
	s.HelpDesc = p.fg(t.Muted)
	s.HelpSep = p.fg(t.Subtle)
	s.FlashInfo = p.fg(t.Info)
	s.FlashError = p.withFg(bold, t.Bad)
	s.BadgeDemo = p.badge(t.BadgeDemoBg)
	s.BadgeReadOnly = p.badge(t.BadgeReadOnlyBg)
	s.BadgeStale = p.badge(t.Warn)
	s.HealthOK = p.fg(t.Good)
	s.HealthDegraded = p.withFg(bold, t.Warn)
	s.HealthDown = p.withFg(bold, t.Bad)
	s.TableHeader = p.withFg(bold, t.Text)
	s.TableHeaderSorted = p.withFg(bold, t.Accent)
	s.Cell = r.NewStyle()
	s.Muted = p.fg(t.Muted)
	s.Border = p.fg(t.Border)
	s.DetailKey = p.fg(t.Muted)
	s.DetailValue = p.fg(t.Text)
	s.ErrorBox = p.box(t.Bad)
	s.Dialog = p.box(t.Accent)
	s.Prompt = p.withFg(bold, t.Accent)

	if noColor {
		s.Selected = bold.Reverse(true)
	} else {
		s.Selected = bold.Foreground(t.SelectedFg).Background(t.SelectedBg)
	}
	toneFg := [ToneCount]*lipgloss.AdaptiveColor{
		ToneGood: &t.Good, ToneWarn: &t.Warn, ToneBad: &t.Bad, TonePending: &t.Pending,
		ToneEnded: &t.Ended, ToneMuted: &t.Muted, ToneInfo: &t.Info,
	}
	// Without colours, tones fall back to attributes: alarms bold, the
	// past faint.
	toneAttr := [ToneCount]lipgloss.Style{ToneWarn: bold, ToneBad: bold, ToneEnded: faint, ToneMuted: faint}
	for i, c := range toneFg {
		switch {
		case noColor:
			s.Tone[i], s.SelectedTone[i] = toneAttr[i], s.Selected
		case c == nil: // ToneNormal: the terminal's own foreground.
			s.Tone[i], s.SelectedTone[i] = s.Cell, s.Selected
		default:
			s.Tone[i], s.SelectedTone[i] = s.Cell.Foreground(*c), s.Selected.Foreground(*c)
		}
	}
	return s
}

// NewTextInput is a text input whose every style comes from st's renderer
// (bubbles' defaults use the process's renderer, which in a served session
// is not the person's terminal: no colour, and an invisible cursor).
func NewTextInput(st *Styles) textinput.Model {
	in := textinput.New()
	r := st.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	in.PromptStyle, in.TextStyle, in.CompletionStyle = r.NewStyle(), r.NewStyle(), st.Muted
	in.PlaceholderStyle = st.Muted
	in.Cursor.Style = r.NewStyle()
	in.Cursor.TextStyle = r.NewStyle()
	return in
}
