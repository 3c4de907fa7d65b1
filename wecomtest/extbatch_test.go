package wecomtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The hand-encoded batch/get_by_user answer carries what the model holds,
// field by field, with fail_info for unlicensed members.
func TestExtBatchAnswer(t *testing.T) {
	srv := NewServer(WithApp("ww1", App{AgentID: 1000002, Secret: "s"}))
	defer srv.Close()
	added := time.Unix(1700000000, 0)
	srv.AddCustomer("ww1", "zhangsan", Customer{ExternalUserID: "wmA", Name: "李\"四\n", Type: 2, Gender: 1, Avatar: "http://a",
		Position: "经理", CorpName: "腾讯", CorpFullName: "腾讯科技", Remark: "r", Description: "d", RemarkMobiles: []string{"138"},
		AddWay: 3, State: "qr", Added: added})
	srv.AddCustomer("ww1", "zhangsan", Customer{ExternalUserID: "wmB", Name: "王五", Type: 1, UnionID: "ozU", Added: added})
	srv.AddCustomer("ww1", "lisi", Customer{ExternalUserID: "wmC", Name: "赵六", Type: 1, Added: added})
	srv.SetUnlicensed("ww1", "LiSi")

	rec := httptest.NewRecorder()
	body := `{"userid_list":["zhangsan","lisi"],"limit":1}`
	srv.handleExtBatch(rec, httptest.NewRequest(http.MethodPost, "/cgi-bin/externalcontact/batch/get_by_user", strings.NewReader(body)),
		Caller{CorpID: "ww1"})
	require.Equal(t, "application/json; charset=UTF-8", rec.Header().Get("Content-Type"))
	require.JSONEq(t, `{"errcode":0,"errmsg":"ok","next_cursor":"wecomtest-1",
		"external_contact_list":[{"external_contact":{"external_userid":"wmA","name":"李\"四\n","type":2,"gender":1,"avatar":"http://a",
			"position":"经理","corp_name":"腾讯","corp_full_name":"腾讯科技"},
		"follow_info":{"userid":"zhangsan","remark":"r","description":"d","createtime":1700000000,"add_way":3,"state":"qr",
			"remark_mobiles":["138"],"tag_id":[]}}],
		"fail_info":{"unlicensed_userid_list":["lisi"]}}`, rec.Body.String())

	rec = httptest.NewRecorder()
	body = `{"userid_list":["zhangsan","lisi"],"limit":1,"cursor":"wecomtest-1"}`
	srv.handleExtBatch(rec, httptest.NewRequest(http.MethodPost, "/cgi-bin/externalcontact/batch/get_by_user", strings.NewReader(body)),
		Caller{CorpID: "ww1"})
	require.JSONEq(t, `{"errcode":0,"errmsg":"ok","next_cursor":"",
		"external_contact_list":[{"external_contact":{"external_userid":"wmB","name":"王五","type":1,"gender":0,"avatar":"","unionid":"ozU"},
		"follow_info":{"userid":"zhangsan","remark":"","description":"","createtime":1700000000,"add_way":0,
			"remark_mobiles":[],"tag_id":[]}}],
		"fail_info":{"unlicensed_userid_list":["lisi"]}}`, rec.Body.String())

	rec = httptest.NewRecorder()
	srv.handleExtBatch(rec, httptest.NewRequest(http.MethodPost, "/cgi-bin/externalcontact/batch/get_by_user",
		strings.NewReader(`{"userid_list":["lisi"]}`)), Caller{CorpID: "ww1"})
	var e struct {
		ErrCode int `json:"errcode"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
	require.Equal(t, codeNoLicense, e.ErrCode, "no member of the call is licensed")
}

// BenchmarkExtBatchAnswer encodes one page of 100 rows.
func BenchmarkExtBatchAnswer(b *testing.B) {
	srv := NewServer(WithApp("ww1", App{AgentID: 1000002, Secret: "s"}))
	defer srv.Close()
	srv.GenerateCustomers("ww1", 1, 100)
	body := `{"userid_list":["u0000"],"limit":100}`
	b.ReportAllocs()
	for range b.N {
		rec := httptest.NewRecorder()
		srv.handleExtBatch(rec, httptest.NewRequest(http.MethodPost, "/cgi-bin/externalcontact/batch/get_by_user", strings.NewReader(body)),
			Caller{CorpID: "ww1"})
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
