package api

import "encoding/json"

// Tolerant decoding of the answers' row and page types (see looseDecode):
// each decodes through its plain twin, which has no UnmarshalJSON.

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (d *Deployment) UnmarshalJSON(b []byte) error {
	type plain Deployment
	return looseDecode(b, (*plain)(d), &d.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (s *DeploymentStatus) UnmarshalJSON(b []byte) error {
	type plain DeploymentStatus
	return looseDecode(b, (*plain)(s), &s.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *Location) UnmarshalJSON(b []byte) error {
	type plain Location
	return looseDecode(b, (*plain)(l), &l.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (f *Fleet) UnmarshalJSON(b []byte) error {
	type plain Fleet
	return looseDecode(b, (*plain)(f), &f.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (p *Policy) UnmarshalJSON(b []byte) error {
	type plain Policy
	return looseDecode(b, (*plain)(p), &p.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (h *Host) UnmarshalJSON(b []byte) error {
	type plain Host
	return looseDecode(b, (*plain)(h), &h.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (t *DeploymentTag) UnmarshalJSON(b []byte) error {
	type plain DeploymentTag
	return looseDecode(b, (*plain)(t), &t.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *DeploymentList) UnmarshalJSON(b []byte) error {
	type plain DeploymentList
	return looseDecode(b, (*plain)(l), &l.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *LocationList) UnmarshalJSON(b []byte) error {
	type plain LocationList
	return looseDecode(b, (*plain)(l), &l.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *FleetList) UnmarshalJSON(b []byte) error {
	type plain FleetList
	return looseDecode(b, (*plain)(l), &l.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *PolicyList) UnmarshalJSON(b []byte) error {
	type plain PolicyList
	return looseDecode(b, (*plain)(l), &l.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *HostList) UnmarshalJSON(b []byte) error {
	type plain HostList
	return looseDecode(b, (*plain)(l), &l.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *DeploymentTagList) UnmarshalJSON(b []byte) error {
	type plain DeploymentTagList
	return looseDecode(b, (*plain)(l), &l.Loose)
}

// The rows: their id (a row without one is skipped) and their Loose.

func (d *Deployment) row() (string, *Loose)    { return d.RequestID, &d.Loose }
func (l *Location) row() (string, *Loose)      { return l.City, &l.Loose }
func (f *Fleet) row() (string, *Loose)         { return f.Name, &f.Loose }
func (p *Policy) row() (string, *Loose)        { return p.Name, &p.Loose }
func (h *Host) row() (string, *Loose)          { return h.HostID, &h.Loose }
func (t *DeploymentTag) row() (string, *Loose) { return t.Name, &t.Loose }

// The answers report their problems and drop the rows without an id.

func (l *DeploymentList) tidy(r *looseReport)    { tidyPage(r, "deployment", &l.Loose, &l.Data) }
func (l *LocationList) tidy(r *looseReport)      { tidyPage(r, "location", &l.Loose, &l.Locations) }
func (l *FleetList) tidy(r *looseReport)         { tidyPage(r, "fleet", &l.Loose, &l.Fleets) }
func (l *PolicyList) tidy(r *looseReport)        { tidyPage(r, "policy", &l.Loose, &l.Policies) }
func (l *HostList) tidy(r *looseReport)          { tidyPage(r, "host", &l.Loose, &l.Data) }
func (l *DeploymentTagList) tidy(r *looseReport) { tidyPage(r, "tag", &l.Loose, &l.Tags) }
func (f *Fleet) tidy(r *looseReport)             { r.add("fleet", &f.Loose) }
func (p *Policy) tidy(r *looseReport)            { r.add("policy", &p.Loose) }
func (t *DeploymentTag) tidy(r *looseReport)     { r.add("tag", &t.Loose) }

func (s *DeploymentStatus) tidy(r *looseReport) {
	r.add("status", &s.Loose)
	if s.Location != nil {
		r.add("status.location", &s.Location.Loose)
	}
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (a *Application) UnmarshalJSON(b []byte) error {
	type plain Application
	return looseDecode(b, (*plain)(a), &a.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly. The registry
// credentials are noted as present, never kept.
func (v *AppVersion) UnmarshalJSON(b []byte) error {
	type plain AppVersion
	if err := looseDecode(b, (*plain)(v), &v.Loose); err != nil {
		return err
	}
	var creds struct {
		Username json.RawMessage `json:"private_username"`
		Token    json.RawMessage `json:"private_token"`
	}
	if json.Unmarshal(b, &creds) == nil {
		v.HasPrivateUsername, v.HasPrivateToken = hasJSONValue(creds.Username), hasJSONValue(creds.Token)
	}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly. The access key
// is noted as present, never kept.
func (e *StorageEndpoint) UnmarshalJSON(b []byte) error {
	type plain StorageEndpoint
	if err := looseDecode(b, (*plain)(e), &e.Loose); err != nil {
		return err
	}
	var key struct {
		ID json.RawMessage `json:"access_key_id"`
	}
	if json.Unmarshal(b, &key) == nil {
		e.HasAccessKeyID = hasJSONValue(key.ID)
	}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *ApplicationList) UnmarshalJSON(b []byte) error {
	type plain ApplicationList
	return looseDecode(b, (*plain)(l), &l.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *AppVersionList) UnmarshalJSON(b []byte) error {
	type plain AppVersionList
	return looseDecode(b, (*plain)(l), &l.Loose)
}

// UnmarshalJSON implements json.Unmarshaler, tolerantly.
func (l *StorageEndpointList) UnmarshalJSON(b []byte) error {
	type plain StorageEndpointList
	return looseDecode(b, (*plain)(l), &l.Loose)
}

func (a *Application) row() (string, *Loose)     { return a.Name, &a.Loose }
func (v *AppVersion) row() (string, *Loose)      { return v.Name, &v.Loose }
func (e *StorageEndpoint) row() (string, *Loose) { return e.Name, &e.Loose }

func (l *ApplicationList) tidy(r *looseReport) {
	tidyPage(r, "application", &l.Loose, &l.Applications)
}
func (l *AppVersionList) tidy(r *looseReport) { tidyPage(r, "version", &l.Loose, &l.Versions) }
func (l *StorageEndpointList) tidy(r *looseReport) {
	tidyPage(r, "storage endpoint", &l.Loose, &l.Endpoints)
}
func (a *Application) tidy(r *looseReport) { r.add("application", &a.Loose) }
func (v *AppVersion) tidy(r *looseReport)  { r.add("version", &v.Loose) }
func (u *AppVersionUpdated) tidy(r *looseReport) {
	if u.Version != nil {
		r.add("version", &u.Version.Loose)
	}
}
