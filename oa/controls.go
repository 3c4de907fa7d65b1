package oa

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// ControlKind is a form control's type, the "control" of WeCom's
// apply_data contents and template controls (doc 91983, appendix).
type ControlKind string

// The control kinds wecomkit decodes into typed values. Any other kind
// is kept whole in [Control.Raw].
const (
	KindText            ControlKind = "Text"            // 文本
	KindTextarea        ControlKind = "Textarea"        // 多行文本
	KindNumber          ControlKind = "Number"          // 数字
	KindMoney           ControlKind = "Money"           // 金额
	KindDate            ControlKind = "Date"            // 日期, 日期+时间
	KindSelector        ControlKind = "Selector"        // 单选, 多选
	KindContact         ControlKind = "Contact"         // 成员, 部门
	KindTips            ControlKind = "Tips"            // 说明文字
	KindFile            ControlKind = "File"            // 附件
	KindTable           ControlKind = "Table"           // 明细
	KindVacation        ControlKind = "Vacation"        // 假勤: 请假
	KindAttendance      ControlKind = "Attendance"      // 假勤: 出差, 外出, 加班
	KindPunchCorrection ControlKind = "PunchCorrection" // 补卡
	KindLocation        ControlKind = "Location"        // 位置
	KindRelatedApproval ControlKind = "RelatedApproval" // 关联审批单
	KindFormula         ControlKind = "Formula"         // 公式
	KindDateRange       ControlKind = "DateRange"       // 时长
)

// Control is one filled-in control of an application (apply_data
// contents): its kind, id and title, and its value, typed. Exactly the
// value fields of its Kind are set:
//
//	Text, Textarea     Text
//	Number             Number (a decimal string, as WeCom sends it)
//	Money              Money (a decimal string, yuan)
//	Date               Date
//	Selector           Selector
//	Contact            Members or Departments
//	Tips               Tips
//	File               Files
//	Table              Rows
//	Vacation           Vacation
//	Attendance         Attendance
//	PunchCorrection    PunchCorrection
//	Location           Location
//	RelatedApproval    RelatedApprovals
//	Formula            Formula
//	DateRange          DateRange
//
// A control of a kind wecomkit does not know — WeCom adds kinds
// (PhoneNumber, BankAccount …) — is never an error: its value object is
// kept as WeCom sent it in Raw, the one free-form field, for the caller
// to decode. Raw is also set, with nothing else, for a known kind whose
// value does not have the documented shape. Encoding a Control writes
// Raw back when it is set.
type Control struct {
	Kind  ControlKind
	ID    string
	Title []Text

	Text             string
	Number           string
	Money            string
	Date             *DateValue
	Selector         *Selection
	Members          []Member
	Departments      []Department
	Tips             *Tips
	Files            []File
	Rows             []TableRow
	Vacation         *Vacation
	Attendance       *Attendance
	PunchCorrection  *PunchCorrection
	Location         *Location
	RelatedApprovals []RelatedApproval
	Formula          *Formula
	DateRange        *DateRange

	// Raw is the value of a control of an unknown kind, or of a known
	// kind whose value did not decode: WeCom's JSON object, unchanged.
	Raw json.RawMessage
}

// DateValue is a Date control's value: a day, or a day and time.
type DateValue struct {
	Type      string `json:"type"`        // "day" or "hour"
	Timestamp string `json:"s_timestamp"` // Unix seconds, as a string (WeCom's type)
}

// Time returns the chosen date as a time, or the zero time when the
// timestamp is not a number.
func (d *DateValue) Time() time.Time {
	n, err := strconv.ParseInt(d.Timestamp, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

// Selection is a Selector control's value: the chosen options.
type Selection struct {
	Type    string   `json:"type"` // "single" or "multi"
	Options []Option `json:"options"`
}

// Option is a selector option: its key (from the template) and text.
type Option struct {
	Key   string `json:"key"`
	Value []Text `json:"value,omitempty"`
}

// Member is a member chosen in a Contact control.
type Member struct {
	UserID string `json:"userid"`
	Name   string `json:"name,omitempty"`
}

// Department is a department chosen in a Contact control.
type Department struct {
	OpenAPIID string `json:"openapi_id"`
	Name      string `json:"name,omitempty"`
}

// Tips is a Tips control's rich text (new_tips).
type Tips struct {
	Content []TipsContent `json:"tips_content"`
}

// TipsContent is the tips' text in one language.
type TipsContent struct {
	Text struct {
		SubText []TipsSegment `json:"sub_text"`
	} `json:"text"`
	Lang string `json:"lang"`
}

// TipsSegment is a piece of tips text: Type 1 plain text, 2 a link.
type TipsSegment struct {
	Type    int `json:"type"`
	Content struct {
		PlainText *struct {
			Content string `json:"content"`
		} `json:"plain_text,omitempty"`
		Link *struct {
			Title string `json:"title"`
			URL   string `json:"url"`
		} `json:"link,omitempty"`
	} `json:"content"`
}

// File is an attachment. To apply, FileID is the media_id of a temporary
// medium (package media); WeCom keeps it for good once the application is
// made and allows 6 attachments an application.
type File struct {
	FileID   string `json:"file_id"`
	FileName string `json:"file_name,omitempty"`
	FileURL  string `json:"file_url,omitempty"`
}

// TableRow is one row of a Table (明细) control: its controls.
type TableRow struct {
	Controls []Control `json:"list"`
}

// Vacation is a leave control's value: the leave type (an option whose
// key is the leave type's id, see [Client.LeaveTypes]) and the period.
type Vacation struct {
	Selector   Selection  `json:"selector"`
	Attendance Attendance `json:"attendance"`
}

// Attendance is an Attendance control's value (出差, 外出, 加班) and the
// period of a leave.
type Attendance struct {
	DateRange DateRange `json:"date_range"`
	// Type is 1 leave, 3 business trip, 4 going out, 5 overtime.
	Type      int        `json:"type"`
	SliceInfo *SliceInfo `json:"slice_info,omitempty"`
}

// SliceInfo splits a period's duration by day (forms since 2020-10-01).
type SliceInfo struct {
	Duration int64 `json:"duration"` // seconds
	State    int   `json:"state"`    // 1 computed by WeCom, 2 changed by the member
	DayItems []struct {
		Daytime  int64 `json:"daytime"`  // the day's 00:00, Unix seconds
		Duration int64 `json:"duration"` // seconds on that day
	} `json:"day_items,omitempty"`
}

// DateRange is a period: a DateRange control's value and the period of
// leave and attendance controls.
type DateRange struct {
	Type           string        `json:"type"`      // "halfday" or "hour"
	Begin          int64         `json:"new_begin"` // Unix seconds
	End            int64         `json:"new_end"`
	Duration       int64         `json:"new_duration"` // seconds
	PerDayDuration int64         `json:"perday_duration,omitempty"`
	TimezoneInfo   *TimezoneInfo `json:"timezone_info,omitempty"` // only outside UTC+8
}

// TimezoneInfo is the time zone of a period entered outside UTC+8.
type TimezoneInfo struct {
	ZoneOffset string `json:"zone_offset"`
	ZoneDesc   string `json:"zone_desc"`
}

// PunchCorrection is a 补卡 control's value.
type PunchCorrection struct {
	State        string `json:"state"` // the anomaly, in words
	Time         int64  `json:"time"`  // the corrected check-in, Unix seconds
	Version      int    `json:"version"`
	DayMonthYear int64  `json:"daymonthyear,omitempty"` // the day's 00:00 (Version 1)
}

// Location is a Location control's value. Latitude and Longitude are
// decimal strings with 6 decimals; WeCom's documents show strings and
// some answers numbers, so both are accepted.
type Location struct {
	Latitude  string `json:"latitude"`
	Longitude string `json:"longitude"`
	Title     string `json:"title"`
	Address   string `json:"address"`
	Time      int64  `json:"time"` // when the place was chosen, Unix seconds
}

// UnmarshalJSON accepts the coordinates as strings or numbers.
func (l *Location) UnmarshalJSON(b []byte) error {
	var w struct {
		Latitude  json.RawMessage `json:"latitude"`
		Longitude json.RawMessage `json:"longitude"`
		Title     string          `json:"title"`
		Address   string          `json:"address"`
		Time      int64           `json:"time"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*l = Location{Title: w.Title, Address: w.Address, Time: w.Time}
	var err error
	if l.Latitude, err = numberText(w.Latitude); err != nil {
		return err
	}
	l.Longitude, err = numberText(w.Longitude)
	return err
}

// numberText reads a JSON string or number as text.
func numberText(b json.RawMessage) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return "", nil
	}
	if b[0] == '"' {
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// RelatedApproval is an application linked by a RelatedApproval control.
// To apply, only SpNo is needed.
type RelatedApproval struct {
	SpNo          string `json:"sp_no"`
	TemplateNames []Text `json:"template_names,omitempty"`
	Status        Status `json:"sp_status,omitempty"`
	Name          string `json:"name,omitempty"`        // the applicant
	CreateTime    int64  `json:"create_time,omitempty"` // Unix seconds
}

// Formula is a Formula control's value, computed by WeCom (leave it out
// when applying).
type Formula struct {
	Value string `json:"value"`
}

// wireValue is a control's value object: the field each kind fills.
type wireValue struct {
	Text            string            `json:"text,omitempty"`
	Number          string            `json:"new_number,omitempty"`
	Money           string            `json:"new_money,omitempty"`
	Date            *DateValue        `json:"date,omitempty"`
	Selector        *Selection        `json:"selector,omitempty"`
	Members         []Member          `json:"members,omitempty"`
	Departments     []Department      `json:"departments,omitempty"`
	Tips            *Tips             `json:"new_tips,omitempty"`
	Files           []File            `json:"files,omitempty"`
	Children        []TableRow        `json:"children,omitempty"`
	Vacation        *Vacation         `json:"vacation,omitempty"`
	Attendance      *Attendance       `json:"attendance,omitempty"`
	PunchCorrection *PunchCorrection  `json:"punch_correction,omitempty"`
	Location        *Location         `json:"location,omitempty"`
	RelatedApproval []RelatedApproval `json:"related_approval,omitempty"`
	Formula         *Formula          `json:"formula,omitempty"`
	DateRange       *DateRange        `json:"date_range,omitempty"`
}

type wireControl struct {
	Kind  ControlKind     `json:"control"`
	ID    string          `json:"id"`
	Title []Text          `json:"title,omitempty"`
	Value json.RawMessage `json:"value"`
}

// known reports whether wecomkit types the kind's value.
func (k ControlKind) known() bool {
	switch k {
	case KindText, KindTextarea, KindNumber, KindMoney, KindDate, KindSelector, KindContact, KindTips, KindFile,
		KindTable, KindVacation, KindAttendance, KindPunchCorrection, KindLocation, KindRelatedApproval,
		KindFormula, KindDateRange:
		return true
	}
	return false
}

// UnmarshalJSON decodes a control by its kind; see [Control].
func (c *Control) UnmarshalJSON(b []byte) error {
	var w wireControl
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = Control{Kind: w.Kind, ID: w.ID, Title: w.Title}
	if len(w.Value) == 0 || string(w.Value) == "null" {
		return nil
	}
	if !w.Kind.known() {
		c.Raw = w.Value
		return nil
	}
	if err := c.decodeValue(w.Value); err != nil {
		*c = Control{Kind: w.Kind, ID: w.ID, Title: w.Title, Raw: w.Value}
	}
	return nil
}

// decodeValue reads the field of c.Kind from a value object; other
// fields (WeCom sends every kind's, empty) are not looked at, so that an
// odd one cannot spoil the control.
func (c *Control) decodeValue(raw json.RawMessage) error {
	switch c.Kind {
	case KindText, KindTextarea:
		var v struct {
			Text string `json:"text"`
		}
		err := json.Unmarshal(raw, &v)
		c.Text = v.Text
		return err
	case KindNumber:
		var v struct {
			Number string `json:"new_number"`
		}
		err := json.Unmarshal(raw, &v)
		c.Number = v.Number
		return err
	case KindMoney:
		var v struct {
			Money string `json:"new_money"`
		}
		err := json.Unmarshal(raw, &v)
		c.Money = v.Money
		return err
	case KindDate:
		var v struct {
			Date *DateValue `json:"date"`
		}
		err := json.Unmarshal(raw, &v)
		c.Date = v.Date
		return err
	case KindSelector:
		var v struct {
			Selector *Selection `json:"selector"`
		}
		err := json.Unmarshal(raw, &v)
		c.Selector = v.Selector
		return err
	case KindContact:
		var v struct {
			Members     []Member     `json:"members"`
			Departments []Department `json:"departments"`
		}
		err := json.Unmarshal(raw, &v)
		c.Members, c.Departments = nonEmpty(v.Members), nonEmpty(v.Departments)
		return err
	case KindTips:
		var v struct {
			Tips *Tips `json:"new_tips"`
		}
		err := json.Unmarshal(raw, &v)
		c.Tips = v.Tips
		return err
	case KindFile:
		var v struct {
			Files []File `json:"files"`
		}
		err := json.Unmarshal(raw, &v)
		c.Files = nonEmpty(v.Files)
		return err
	case KindTable:
		var v struct {
			Children []TableRow `json:"children"`
		}
		err := json.Unmarshal(raw, &v)
		c.Rows = nonEmpty(v.Children)
		return err
	case KindVacation:
		var v struct {
			Vacation *Vacation `json:"vacation"`
		}
		err := json.Unmarshal(raw, &v)
		c.Vacation = v.Vacation
		return err
	case KindAttendance:
		var v struct {
			Attendance *Attendance `json:"attendance"`
		}
		err := json.Unmarshal(raw, &v)
		c.Attendance = v.Attendance
		return err
	case KindPunchCorrection:
		var v struct {
			PunchCorrection *PunchCorrection `json:"punch_correction"`
		}
		err := json.Unmarshal(raw, &v)
		c.PunchCorrection = v.PunchCorrection
		return err
	case KindLocation:
		var v struct {
			Location *Location `json:"location"`
		}
		err := json.Unmarshal(raw, &v)
		c.Location = v.Location
		return err
	case KindRelatedApproval:
		var v struct {
			RelatedApproval []RelatedApproval `json:"related_approval"`
		}
		err := json.Unmarshal(raw, &v)
		c.RelatedApprovals = nonEmpty(v.RelatedApproval)
		return err
	case KindFormula:
		var v struct {
			Formula *Formula `json:"formula"`
		}
		err := json.Unmarshal(raw, &v)
		c.Formula = v.Formula
		return err
	case KindDateRange:
		var v struct {
			DateRange *DateRange `json:"date_range"`
		}
		err := json.Unmarshal(raw, &v)
		c.DateRange = v.DateRange
		return err
	}
	return nil
}

// nonEmpty turns WeCom's empty arrays into nil.
func nonEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// MarshalJSON encodes the control as apply_data contents take it: the
// value fields of its kind, or Raw when set.
func (c Control) MarshalJSON() ([]byte, error) {
	w := wireControl{Kind: c.Kind, ID: c.ID, Title: c.Title, Value: c.Raw}
	if len(w.Value) == 0 {
		v := wireValue{
			Text: c.Text, Number: c.Number, Money: c.Money, Date: c.Date, Selector: c.Selector,
			Members: c.Members, Departments: c.Departments, Tips: c.Tips, Files: c.Files, Children: c.Rows,
			Vacation: c.Vacation, Attendance: c.Attendance, PunchCorrection: c.PunchCorrection,
			Location: c.Location, RelatedApproval: c.RelatedApprovals, Formula: c.Formula, DateRange: c.DateRange,
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		w.Value = b
	}
	return json.Marshal(w)
}

// Find returns the first control with id among controls (rows of tables
// included), or nil.
func Find(controls []Control, id string) *Control {
	for i := range controls {
		if controls[i].ID == id {
			return &controls[i]
		}
		for _, row := range controls[i].Rows {
			if c := Find(row.Controls, id); c != nil {
				return c
			}
		}
	}
	return nil
}
