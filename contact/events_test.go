package contact_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/crypto"
)

func parseContactEvent(t *testing.T, xml string) (*contact.Event, error) {
	t.Helper()
	ev, err := crypto.ParseEvent([]byte(xml))
	require.NoError(t, err)
	return contact.ParseEvent(ev)
}

// The samples are the shapes on WeCom's pages (docs 90970, 96304, 92656).
func TestParseEventCreateUser(t *testing.T) {
	e, err := parseContactEvent(t, `<xml><ToUserName><![CDATA[ww-corp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>
<CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event>
<ChangeType>create_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Name><![CDATA[张三]]></Name>
<Department><![CDATA[1,2,3]]></Department><MainDepartment>1</MainDepartment><IsLeaderInDept><![CDATA[1,0,0]]></IsLeaderInDept>
<DirectLeader><![CDATA[lisi,wangwu]]></DirectLeader><Position><![CDATA[产品经理]]></Position><Mobile>13800000000</Mobile>
<Gender>1</Gender><Email><![CDATA[zhangsan@gzdev.com]]></Email><Status>1</Status><Alias><![CDATA[zhangsan]]></Alias>
<ExtAttr><Item><Name><![CDATA[爱好]]></Name><Type>0</Type><Text><Value><![CDATA[旅游]]></Value></Text></Item></ExtAttr></xml>`)
	require.NoError(t, err)
	require.Equal(t, contact.EventCreateUser, e.Type)
	require.Equal(t, "ww-corp", e.CorpID)
	require.Equal(t, time.Unix(1403610513, 0), e.At)
	u := e.User
	require.NotNil(t, u)
	require.Nil(t, e.Department)
	require.Equal(t, "zhangsan", u.UserID)
	require.Equal(t, "张三", u.Name, "the member's Name, not the ExtAttr item's")
	require.Equal(t, []int64{1, 2, 3}, u.Departments)
	require.Equal(t, int64(1), u.MainDepartment)
	require.Equal(t, []bool{true, false, false}, u.IsLeaderInDept)
	require.Equal(t, []string{"lisi", "wangwu"}, u.DirectLeaders)
	require.Equal(t, 1, u.Status)
	require.True(t, u.Has("Mobile"))
	require.False(t, u.Has("Telephone"))
}

// An update carries only what changed: Has tells a cleared field from an
// absent one.
func TestParseEventUpdateUserRename(t *testing.T) {
	e, err := parseContactEvent(t, `<xml><ToUserName>ww-corp</ToUserName><MsgType>event</MsgType><Event>change_contact</Event>
<ChangeType>update_user</ChangeType><UserID>zhangsan</UserID><NewUserID>zhangsan2</NewUserID><Position></Position></xml>`)
	require.NoError(t, err)
	require.Equal(t, "zhangsan2", e.User.NewUserID)
	require.True(t, e.User.Has("Position"), "an empty element is a cleared position")
	require.False(t, e.User.Has("Name"))
}

func TestParseEventThirdPartyPartyAndTag(t *testing.T) {
	e, err := parseContactEvent(t, `<xml><SuiteId><![CDATA[ww-suite]]></SuiteId><AuthCorpId><![CDATA[wx-corp]]></AuthCorpId>
<InfoType><![CDATA[change_contact]]></InfoType><TimeStamp>1403610513</TimeStamp><ChangeType><![CDATA[create_party]]></ChangeType>
<Id>2</Id><Name><![CDATA[销售部]]></Name><ParentId><![CDATA[1]]></ParentId><Order>1</Order></xml>`)
	require.NoError(t, err)
	require.Equal(t, "wx-corp", e.CorpID)
	require.Equal(t, "ww-suite", e.SuiteID)
	require.Equal(t, &contact.ChangedDepartment{ID: 2, Name: "销售部", ParentID: 1, Order: 1}, withoutPresence(e.Department))
	require.True(t, e.Department.Has("Order"))

	e, err = parseContactEvent(t, `<xml><ToUserName>ww-corp</ToUserName><MsgType>event</MsgType><Event>change_contact</Event>
<ChangeType><![CDATA[update_tag]]></ChangeType><TagId>1</TagId><AddUserItems><![CDATA[zhangsan,lisi]]></AddUserItems>
<DelUserItems><![CDATA[zhangsan1,lisi1]]></DelUserItems><AddPartyItems><![CDATA[1,2]]></AddPartyItems></xml>`)
	require.NoError(t, err)
	require.Equal(t, &contact.ChangedTag{TagID: 1, AddedUsers: []string{"zhangsan", "lisi"}, RemovedUsers: []string{"zhangsan1", "lisi1"}, AddedParties: []int64{1, 2}}, e.Tag)
}

func withoutPresence(d *contact.ChangedDepartment) *contact.ChangedDepartment {
	return &contact.ChangedDepartment{ID: d.ID, Name: d.Name, ParentID: d.ParentID, Order: d.Order}
}

func TestParseEventRefuses(t *testing.T) {
	_, err := parseContactEvent(t, `<xml><MsgType>event</MsgType><Event>enter_agent</Event></xml>`)
	require.ErrorIs(t, err, contact.ErrNotContactEvent)
	_, err = contact.ParseEvent(nil)
	require.ErrorIs(t, err, contact.ErrNotContactEvent)
	_, err = parseContactEvent(t, `<xml><Event>change_contact</Event><ChangeType>explode</ChangeType></xml>`)
	require.ErrorContains(t, err, "unknown ChangeType")
	_, err = parseContactEvent(t, `<xml><Event>change_contact</Event><ChangeType>create_party</ChangeType><Id>two</Id></xml>`)
	require.ErrorContains(t, err, "Id is not a number")
	_, err = parseContactEvent(t, `<xml><Event>change_contact</Event><ChangeType>create_user</ChangeType><Department>1,x</Department></xml>`)
	require.ErrorContains(t, err, "Department")
}

// FuzzParseEvent: any decrypted callback is typed or refused, never a
// panic.
func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(`<xml><Event>change_contact</Event><ChangeType>create_user</ChangeType><UserID>a</UserID><Department>1,2</Department></xml>`))
	f.Add([]byte(`<xml><InfoType>change_contact</InfoType><ChangeType>update_tag</ChangeType><TagId>1</TagId><AddPartyItems>1,,2</AddPartyItems></xml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := crypto.ParseEvent(data)
		if err != nil {
			return
		}
		e, err := contact.ParseEvent(ev)
		if err != nil {
			return
		}
		set := 0
		for _, p := range []bool{e.User != nil, e.Department != nil, e.Tag != nil} {
			if p {
				set++
			}
		}
		if set != 1 {
			t.Fatalf("a typed event carries %d payloads: %+v", set, e)
		}
	})
}
