package oa_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/oa"
)

func loadDetail(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/detail.json")
	require.NoError(t, err)
	return b
}

// TestDetailEveryControl decodes a detail with every control kind WeCom
// documents and one it added later (BankAccount), which is kept raw.
func TestDetailEveryControl(t *testing.T) {
	var ans struct {
		Info oa.Approval `json:"info"`
	}
	require.NoError(t, json.Unmarshal(loadDetail(t), &ans))
	a := ans.Info
	require.Equal(t, "202001010001", a.SpNo)
	require.Equal(t, oa.StatusApproved, a.Status)
	require.Equal(t, "approved", a.Status.String())
	require.Equal(t, oa.Applicant{UserID: "WuJunJie", PartyID: "2"}, a.Applicant)
	require.Equal(t, time.Unix(1577836800, 0), a.Applied())
	require.Len(t, a.Records, 1)
	require.Equal(t, oa.AllApprovers, a.Records[0].ApproverAttr)
	require.Equal(t, oa.RecordDetail{Approver: oa.UserRef{UserID: "WangXiaoMing"}, Speech: "同意", Status: oa.NodeAgreed,
		SpTime: 1577840400, MediaIDs: []string{"m1"}}, a.Records[0].Details[0])
	require.Equal(t, []oa.UserRef{{UserID: "ChenXiaoHong"}}, a.Notifiers)
	require.Equal(t, oa.Comment{User: oa.UserRef{UserID: "WuJunJie"}, Time: 1577840000, Content: "补充说明",
		ID: "6741314136717778040", MediaIDs: []string{"m2"}}, a.Comments[0])

	require.Equal(t, oa.ProcessList{Nodes: []oa.ProcessNode{
		{Type: oa.NodeApprover, Status: oa.NodeAgreed, Rel: oa.RelAll, SubNodes: []oa.SubNode{
			{UserID: "WangXiaoMing", Speech: "同意", Status: oa.NodeAgreed, SpTime: 1577840400, MediaIDs: []string{"m1"}}}},
		{Type: oa.NodeCC, SubNodes: []oa.SubNode{{UserID: "ChenXiaoHong", MediaIDs: []string{}}}},
		{Type: oa.NodeHandler, Status: oa.NodeHandled, Rel: oa.RelAny, SubNodes: []oa.SubNode{
			{UserID: "Cashier", Status: oa.NodeHandled, SpTime: 1577841000, MediaIDs: []string{}}}},
	}}, a.Process)

	cs := a.Data.Contents
	require.Len(t, cs, 19)
	get := func(id string) *oa.Control {
		c := oa.Find(cs, id)
		require.NotNil(t, c, id)
		return c
	}
	require.Equal(t, "出差事由", get("Text-1").Text)
	require.Equal(t, "文本", oa.TextOf(get("Text-1").Title, "zh_CN"))
	require.Equal(t, "第一行\n第二行", get("Textarea-1").Text)
	require.Equal(t, "12.5", get("Number-1").Number)
	require.Equal(t, "1999.99", get("Money-1").Money)
	require.Equal(t, time.Unix(1577836800, 0), get("Date-1").Date.Time())
	require.Equal(t, "day", get("Date-1").Date.Type)
	sel := get("Selector-1").Selector
	require.Equal(t, "multi", sel.Type)
	require.Equal(t, []string{"option-1", "option-2"}, []string{sel.Options[0].Key, sel.Options[1].Key})
	require.Equal(t, []oa.Member{{UserID: "WuJunJie", Name: "Jackie"}}, get("Contact-1").Members)
	require.Nil(t, get("Contact-1").Departments, "WeCom's empty arrays become nil")
	require.Equal(t, []oa.Department{{OpenAPIID: "2", Name: "销售部"}}, get("Contact-2").Departments)
	tips := get("Tips-1").Tips.Content[0]
	require.Equal(t, "请阅读", tips.Text.SubText[0].Content.PlainText.Content)
	require.Equal(t, "https://example.com/rules", tips.Text.SubText[1].Content.Link.URL)
	require.Equal(t, []oa.File{{FileID: "WWCISP_file1"}}, get("File-1").Files)
	rows := get("Table-1").Rows
	require.Len(t, rows, 2)
	require.Equal(t, "20", rows[1].Controls[0].Money)
	require.Equal(t, oa.KindMoney, rows[1].Controls[0].Kind)
	v := get("vacation-1").Vacation
	require.Equal(t, "4", v.Selector.Options[0].Key)
	require.Equal(t, int64(86400), v.Attendance.DateRange.Duration)
	require.Equal(t, int64(27000), v.Attendance.SliceInfo.DayItems[0].Duration)
	att := get("Attendance-1").Attendance
	require.Equal(t, 3, att.Type)
	require.Equal(t, int64(1569866400), att.DateRange.Begin)
	require.Equal(t, oa.Location{Latitude: "30.547239", Longitude: "104.063291", Title: "腾讯大厦", Address: "天府三街", Time: 1577836800},
		*get("Location-1").Location, "coordinates as strings or numbers")
	rel := get("RelatedApproval-1").RelatedApprovals
	require.Equal(t, "201912310001", rel[0].SpNo)
	require.Equal(t, oa.StatusApproved, rel[0].Status)
	require.Equal(t, "30", get("Formula-1").Formula.Value)
	require.Equal(t, oa.DateRange{Type: "halfday", Begin: 1577836800, End: 1577923200, Duration: 86400, PerDayDuration: 28800},
		*get("DateRange-1").DateRange)
	require.Equal(t, oa.PunchCorrection{State: "迟到", Time: 1577840400, Version: 1, DayMonthYear: 1577808000}, *get("PunchCorrection-1").PunchCorrection)

	bank := get("BankAccount-1")
	require.Equal(t, oa.ControlKind("BankAccount"), bank.Kind)
	require.JSONEq(t, `{"bank_account": {"account_type": 2, "account_name": "张三", "account_number": "6222"}}`, string(bank.Raw))
	require.Empty(t, bank.Text)

	// Known controls carry no Raw.
	for _, c := range cs[:18] {
		require.Nil(t, c.Raw, c.ID)
	}
}

// A control of a known kind whose value is not the documented shape is
// kept raw, never an error; so is a value that is not an object.
func TestControlOddValues(t *testing.T) {
	var cs []oa.Control
	err := json.Unmarshal([]byte(`[
		{"control":"Number","id":"n","value":{"new_number":12}},
		{"control":"Location","id":"l","value":{"location":{"latitude":true}}},
		{"control":"Text","id":"t","value":null},
		{"control":"Gadget","id":"g","value":[1,2]}
	]`), &cs)
	require.NoError(t, err)
	require.JSONEq(t, `{"new_number":12}`, string(cs[0].Raw))
	require.Empty(t, cs[0].Number)
	require.NotNil(t, cs[1].Raw)
	require.Nil(t, cs[1].Location)
	require.Nil(t, cs[2].Raw)
	require.JSONEq(t, `[1,2]`, string(cs[3].Raw))
}

// Controls encode as apply_data contents take them, and decode back.
func TestControlRoundTrip(t *testing.T) {
	var ans struct {
		Info oa.Approval `json:"info"`
	}
	require.NoError(t, json.Unmarshal(loadDetail(t), &ans))
	b, err := json.Marshal(ans.Info.Data)
	require.NoError(t, err)
	var back oa.ApplyData
	require.NoError(t, json.Unmarshal(b, &back))
	for i := range ans.Info.Data.Contents { // Raw comes back compacted
		if raw := ans.Info.Data.Contents[i].Raw; raw != nil {
			var c bytes.Buffer
			require.NoError(t, json.Compact(&c, raw))
			ans.Info.Data.Contents[i].Raw = c.Bytes()
		}
	}
	require.Equal(t, ans.Info.Data, back)

	one, err := json.Marshal(oa.Control{Kind: oa.KindMoney, ID: "Money-1", Money: "5"})
	require.NoError(t, err)
	require.JSONEq(t, `{"control":"Money","id":"Money-1","value":{"new_money":"5"}}`, string(one))
}

func BenchmarkDecodeApprovalDetail(b *testing.B) {
	raw := loadDetail(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for range b.N {
		var ans struct {
			Info oa.Approval `json:"info"`
		}
		if err := json.Unmarshal(raw, &ans); err != nil {
			b.Fatal(err)
		}
	}
}
