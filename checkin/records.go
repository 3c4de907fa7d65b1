package checkin

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"
)

// Record kinds to read (opencheckindatatype).
const (
	RecordsOnOffWork = 1 // 上下班打卡
	RecordsOuting    = 2 // 外出打卡
	RecordsAll       = 3
)

// Record is a check-in (checkindata of checkin/getcheckindata, doc
// 90262).
type Record struct {
	UserID    string `json:"userid"`
	GroupName string `json:"groupname"`
	// CheckinType is 上班打卡, 下班打卡 or 外出打卡.
	CheckinType string `json:"checkin_type"`
	// ExceptionType lists anomalies, separated by ";": 时间异常, 地点异常,
	// 未打卡, wifi异常, 非常用设备.
	ExceptionType  string   `json:"exception_type"`
	CheckinTime    int64    `json:"checkin_time"` // Unix seconds
	LocationTitle  string   `json:"location_title"`
	LocationDetail string   `json:"location_detail"`
	WifiName       string   `json:"wifiname"`
	Notes          string   `json:"notes"`
	WifiMac        string   `json:"wifimac"`
	MediaIDs       []string `json:"mediaids"`
	Lat            int64    `json:"lat,omitempty"` // degrees × 1,000,000 (GCJ-02)
	Lng            int64    `json:"lng,omitempty"`
	DeviceID       string   `json:"deviceid,omitempty"`
	SchCheckinTime int64    `json:"sch_checkin_time,omitempty"` // the time it counts for
	GroupID        int64    `json:"groupid"`
	ScheduleID     int64    `json:"schedule_id"`
	TimelineID     int64    `json:"timeline_id"`
}

// Time returns when the member checked in.
func (r *Record) Time() time.Time { return time.Unix(r.CheckinTime, 0) }

// RecordQuery is what [Client.Records] reads: the check-ins of Type
// (RecordsAll when 0) by the members UserIDs from Start to End (both
// included, to the second).
type RecordQuery struct {
	Type       int
	Start, End time.Time
	UserIDs    []string
}

// MaxRecordRange is the longest period one checkin/getcheckindata call
// covers (doc 90262: 30 days).
const MaxRecordRange = 30 * 24 * time.Hour

// Records returns the check-ins q selects, ordered by time (then userid)
// (checkin/getcheckindata, doc 90262). WeCom answers at most 30 days and
// 100 members a call; Records splits a longer period into consecutive
// 30-day windows (each starting the second after the previous ends) and
// the members into runs of 100, makes one call for each pair, and merges
// the answers. WeCom allows 600 calls a minute.
func (c *Client) Records(ctx context.Context, q RecordQuery) ([]Record, error) {
	if err := checkUsers(q.UserIDs); err != nil {
		return nil, err
	}
	if err := checkPeriod(q.Start, q.End); err != nil {
		return nil, err
	}
	typ := q.Type
	if typ == 0 {
		typ = RecordsAll
	}
	if typ < RecordsOnOffWork || typ > RecordsAll {
		return nil, fmt.Errorf("%w: record type %d", ErrInvalidArgument, q.Type)
	}
	var out []Record
	start, end := q.Start.Unix(), q.End.Unix()
	window := int64(MaxRecordRange / time.Second)
	for ws := start; ws <= end; ws += window + 1 {
		we := min(ws+window, end)
		for _, ids := range chunks(q.UserIDs) {
			a, err := getCheckinData.Call(ctx, c.corp, &dataRequest{Type: typ, StartTime: ws, EndTime: we, UserIDList: ids})
			if err != nil {
				return nil, fmt.Errorf("checkin: records of %d members from %d to %d: %w", len(ids), ws, we, err)
			}
			out = append(out, a.CheckinData...)
		}
	}
	slices.SortStableFunc(out, func(x, y Record) int {
		return cmp.Or(cmp.Compare(x.CheckinTime, y.CheckinTime), cmp.Compare(x.UserID, y.UserID))
	})
	return out, nil
}

// NewRecord is a check-in to add ([Client.AddRecords]).
type NewRecord struct {
	UserID         string   `json:"userid"`
	CheckinTime    int64    `json:"checkin_time"` // Unix seconds
	LocationTitle  string   `json:"location_title,omitempty"`
	LocationDetail string   `json:"location_detail,omitempty"`
	MediaIDs       []string `json:"mediaids,omitempty"`
	Notes          string   `json:"notes,omitempty"`
	DeviceType     int      `json:"device_type,omitempty"` // 1 门禁, 2 考勤机 (face or fingerprint), 3 other
	Lat            int64    `json:"lat,omitempty"`         // degrees × 1,000,000
	Lng            int64    `json:"lng,omitempty"`
	DeviceDetail   string   `json:"device_detail,omitempty"`
	WifiName       string   `json:"wifiname,omitempty"`
	WifiMac        string   `json:"wifimac,omitempty"` // the BSSID, a2:8b:7f:c0:27:4b; needed with WifiName
}

// MaxNewRecords is how many records one checkin/add_checkin_record call
// takes (doc 99647: "一批最多200个"); [Client.AddRecords] splits longer
// lists.
const MaxNewRecords = 200

// Limits of a [NewRecord] (doc 99647).
const (
	MaxRecordText         = 1024 // characters of LocationTitle, LocationDetail, Notes, WifiName
	MaxRecordDeviceDetail = 40   // characters of DeviceDetail
	MaxRecordMedia        = 1    // media ids a record carries
)

// wifiMac is the form doc 99647 gives for wifimac (needed with wifiname).
var wifiMac = regexp.MustCompile(`^[A-Fa-f0-9]{2}(:[A-Fa-f0-9]{2}){5}$`)

// check reports what doc 99647 forbids in r: no userid or time, more than
// one media id, over-long text, a wifiname without a wifimac of the form
// a2:8b:7f:c0:27:4b, coordinates out of range, a device type other than
// 1, 2 or 3 (0 leaves it out).
func (r *NewRecord) check() error {
	switch {
	case r.UserID == "" || r.CheckinTime <= 0:
		return fmt.Errorf("%w: a record needs a userid and a time", ErrInvalidArgument)
	case len(r.MediaIDs) > MaxRecordMedia:
		return fmt.Errorf("%w: record of %s: at most %d media id", ErrInvalidArgument, r.UserID, MaxRecordMedia)
	case utf8.RuneCountInString(r.LocationTitle) > MaxRecordText, utf8.RuneCountInString(r.LocationDetail) > MaxRecordText,
		utf8.RuneCountInString(r.Notes) > MaxRecordText, utf8.RuneCountInString(r.WifiName) > MaxRecordText,
		utf8.RuneCountInString(r.DeviceDetail) > MaxRecordDeviceDetail:
		return fmt.Errorf("%w: record of %s: a text field is too long", ErrInvalidArgument, r.UserID)
	case (r.WifiName != "" || r.WifiMac != "") && !wifiMac.MatchString(r.WifiMac):
		return fmt.Errorf("%w: record of %s: wifimac %q is not of the form a2:8b:7f:c0:27:4b", ErrInvalidArgument, r.UserID, r.WifiMac)
	case r.Lat < -90000000 || r.Lat > 90000000 || r.Lng < -180000000 || r.Lng > 180000000:
		return fmt.Errorf("%w: record of %s: coordinates out of range", ErrInvalidArgument, r.UserID)
	case r.DeviceType < 0 || r.DeviceType > 3:
		return fmt.Errorf("%w: record of %s: device type %d", ErrInvalidArgument, r.UserID, r.DeviceType)
	}
	return nil
}

// AddRecords adds check-ins made elsewhere (an attendance machine of
// another make, say) (checkin/add_checkin_record, doc 99647; self-built
// apps only), 200 a call. It is not repeated after a transport failure:
// the records would be added twice.
func (c *Client) AddRecords(ctx context.Context, records []NewRecord) error {
	if len(records) == 0 {
		return fmt.Errorf("%w: no records", ErrInvalidArgument)
	}
	for i := range records {
		if err := records[i].check(); err != nil {
			return err
		}
	}
	for start := 0; start < len(records); start += MaxNewRecords {
		part := records[start:min(start+MaxNewRecords, len(records))]
		if _, err := addCheckinRecord.Call(ctx, c.corp, &addRecordRequest{Records: part}); err != nil {
			return fmt.Errorf("checkin: add %d records: %w", len(part), err)
		}
	}
	return nil
}
