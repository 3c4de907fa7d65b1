package externalcontact_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func parse(t *testing.T, xml string) (*externalcontact.Event, error) {
	t.Helper()
	ev, err := crypto.ParseEvent([]byte(xml))
	require.NoError(t, err)
	return externalcontact.ParseEvent(ev)
}

// The samples of docs 92130 and 92277, in both forms.
func TestParseEventCustomer(t *testing.T) {
	ev, err := parse(t, `<xml><ToUserName><![CDATA[ww-corp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>
<CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event>
<ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID>
<ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mAAAA]]></ExternalUserID><State><![CDATA[teststate]]></State>
<WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode></xml>`)
	require.NoError(t, err)
	require.Equal(t, externalcontact.KindCustomer, ev.Kind)
	require.Equal(t, externalcontact.ChangeAddCustomer, ev.Change)
	require.Equal(t, "ww-corp", ev.CorpID)
	require.Empty(t, ev.SuiteID)
	require.Equal(t, time.Unix(1403610513, 0), ev.At)
	require.Nil(t, ev.Chat)
	require.Equal(t, &externalcontact.CustomerEvent{EventHeader: ev.EventHeader, UserID: "zhangsan",
		ExternalUserID: "woAJ2GCAAAXtWyujaWJHDDGi0mAAAA", State: "teststate", WelcomeCode: "WELCOMECODE"}, ev.Customer)

	ev, err = parse(t, `<xml><SuiteId><![CDATA[ww4asffe99e54c0f4c]]></SuiteId><AuthCorpId><![CDATA[wxf8b4f85f3a794e77]]></AuthCorpId>
<InfoType><![CDATA[change_external_contact]]></InfoType><TimeStamp>1403610513</TimeStamp>
<ChangeType><![CDATA[del_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID>
<ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACH71w]]></ExternalUserID><Source><![CDATA[DELETE_BY_TRANSFER]]></Source></xml>`)
	require.NoError(t, err)
	require.Equal(t, "wxf8b4f85f3a794e77", ev.CorpID, "AuthCorpId names the corp of a command callback")
	require.Equal(t, "ww4asffe99e54c0f4c", ev.SuiteID)
	require.Equal(t, externalcontact.ChangeDeleteCustomer, ev.Change)
	require.Equal(t, externalcontact.SourceTransfer, ev.Customer.Source)
	require.Equal(t, time.Unix(1403610513, 0), ev.Customer.At)

	ev, err = parse(t, `<xml><ToUserName>ww</ToUserName><MsgType>event</MsgType><Event>change_external_contact</Event>
<ChangeType>transfer_fail</ChangeType><FailReason>customer_refused</FailReason><UserID>lisi</UserID><ExternalUserID>wmB</ExternalUserID></xml>`)
	require.NoError(t, err)
	require.Equal(t, externalcontact.FailRefused, ev.Customer.FailReason)
}

func TestParseEventChatTagAcquisition(t *testing.T) {
	ev, err := parse(t, `<xml><ToUserName>ww</ToUserName><CreateTime>1</CreateTime><MsgType>event</MsgType>
<Event>change_external_chat</Event><ChatId><![CDATA[wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA]]></ChatId><ChangeType>update</ChangeType>
<UpdateDetail>add_member</UpdateDetail><JoinScene>3</JoinScene><QuitScene>0</QuitScene><MemChangeCnt>2</MemChangeCnt>
<MemChangeList><Item><![CDATA[Jack]]></Item><Item> wmRose </Item></MemChangeList>
<LastMemVer>9c3f97c2ada667dfb5f6d03308d963e1</LastMemVer><CurMemVer>71217227bbd112ecfe3a49c482195cb4</CurMemVer></xml>`)
	require.NoError(t, err)
	require.Equal(t, &externalcontact.ChatEvent{EventHeader: ev.EventHeader, ChatID: "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA",
		UpdateDetail: externalcontact.ChatAddMember, JoinScene: 3, MemChangeCnt: 2, MemChangeList: []string{"Jack", "wmRose"},
		LastMemVer: "9c3f97c2ada667dfb5f6d03308d963e1", CurMemVer: "71217227bbd112ecfe3a49c482195cb4"}, ev.Chat)

	ev, err = parse(t, `<xml><ToUserName>ww</ToUserName><MsgType>event</MsgType><Event>change_external_tag</Event>
<Id>etXXX</Id><TagType>tag_group</TagType><ChangeType>delete</ChangeType><StrategyId>7</StrategyId></xml>`)
	require.NoError(t, err)
	require.Equal(t, &externalcontact.TagEvent{EventHeader: ev.EventHeader, ID: "etXXX", TagType: externalcontact.TagTypeGroup, StrategyID: 7}, ev.Tag)
	require.Equal(t, externalcontact.ChangeDelete, ev.Change)

	ev, err = parse(t, `<xml><ToUserName>ww</ToUserName><MsgType>event</MsgType><Event>customer_acquisition</Event>
<ChangeType>link_unavailable</ChangeType><LinkId>cawcde</LinkId></xml>`)
	require.NoError(t, err)
	require.Equal(t, "cawcde", ev.Acquisition.LinkID)
	require.Equal(t, externalcontact.AcquisitionLinkUnavailable, ev.Change)

	// A ChangeType the package has no constant for still parses.
	ev, err = parse(t, `<xml><ToUserName>ww</ToUserName><MsgType>event</MsgType><Event>customer_acquisition</Event>
<ChangeType>something_new</ChangeType><LinkId>ca1</LinkId></xml>`)
	require.NoError(t, err)
	require.Equal(t, externalcontact.ChangeType("something_new"), ev.Change)
	require.Equal(t, "ca1", ev.Acquisition.LinkID)
}

func TestParseEventRefuses(t *testing.T) {
	_, err := externalcontact.ParseEvent(nil)
	require.ErrorIs(t, err, externalcontact.ErrNotCustomerContactEvent)
	_, err = parse(t, `<xml><MsgType>event</MsgType><Event>change_contact</Event><ChangeType>create_user</ChangeType></xml>`)
	require.ErrorIs(t, err, externalcontact.ErrNotCustomerContactEvent)
	_, err = parse(t, `<xml><MsgType>event</MsgType><Event>change_external_chat</Event><JoinScene>x</JoinScene></xml>`)
	require.ErrorContains(t, err, "JoinScene is not a number")
	require.NotErrorIs(t, err, externalcontact.ErrNotCustomerContactEvent)
	_, err = parse(t, `<xml><MsgType>event</MsgType><Event>change_external_chat</Event><ChangeType>update</ChangeType><MemChangeList>`+
		strings.Repeat("<Item>a</Item>", externalcontact.MaxMemChangeList+1)+`</MemChangeList></xml>`)
	require.ErrorContains(t, err, "MemChangeList has more than")
	// crypto.ParseEvent checks CreateTime; ParseEvent does not rely on it.
	_, err = externalcontact.ParseEvent(&crypto.Event{Event: "change_external_tag",
		Raw: []byte(`<xml><MsgType>event</MsgType><Event>change_external_tag</Event><CreateTime>soon</CreateTime></xml>`)})
	require.ErrorContains(t, err, "CreateTime is not a number")
	_, err = externalcontact.ParseEvent(&crypto.Event{InfoType: "change_external_tag", Raw: []byte(`<xml><InfoType>`)})
	require.ErrorContains(t, err, "not well-formed XML")
}

// eventLog collects what a router's functions saw.
type eventLog struct {
	mu  sync.Mutex
	got []string
}

func (r *eventLog) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, s)
}

func (r *eventLog) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

const (
	cbToken = "cbtoken"
	cbKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

// newRouter registers every typed function, recording kind/change and
// the corp.
func newRouter(rec *eventLog) *externalcontact.EventRouter {
	cust := func(ctx context.Context, ev *externalcontact.CustomerEvent) error {
		rec.add(string(ev.Change) + " " + ev.CorpID + " " + ev.UserID + " " + ev.ExternalUserID + " " + ev.State + " " + ev.WelcomeCode)
		return nil
	}
	chat := func(ctx context.Context, ev *externalcontact.ChatEvent) error {
		rec.add("chat " + string(ev.Change) + " " + ev.ChatID + " " + strings.Join(ev.MemChangeList, ","))
		return nil
	}
	tag := func(ctx context.Context, ev *externalcontact.TagEvent) error {
		rec.add("tag " + string(ev.Change) + " " + ev.ID + " " + ev.TagType)
		return nil
	}
	return externalcontact.NewEventRouter().
		OnAddCustomer(cust).OnEditCustomer(cust).OnAddHalfCustomer(cust).OnDeleteCustomer(cust).
		OnDeleteFollower(cust).OnTransferFail(cust).
		OnChatCreate(chat).OnChatUpdate(chat).OnChatDismiss(chat).
		OnTagCreate(tag).OnTagUpdate(tag).OnTagDelete(tag).OnTagShuffle(tag).
		OnAcquisition(externalcontact.AcquisitionBalanceLow, func(ctx context.Context, ev *externalcontact.AcquisitionEvent) error {
			rec.add("acquisition " + string(ev.Change) + " " + ev.CorpID)
			return nil
		})
}

// Every event pushed by the fake to a self-built app's callback, signed
// and encrypted, reaches its typed function.
func TestRouterSelfBuiltApp(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	rec := &eventLog{}
	var other []string
	var mu sync.Mutex
	r := newRouter(rec).Fallback(crypto.HandlerFunc(func(_ context.Context, ev *crypto.Event) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		other = append(other, ev.Event+"/"+ev.ChangeType)
		return nil, nil
	}))
	mc, err := crypto.New(cbToken, cbKey, corpID)
	require.NoError(t, err)
	cb := httptest.NewServer(crypto.NewHandler(mc, r))
	t.Cleanup(cb.Close)
	srv.SetAppCallback(corpID, agentID, wecomtest.AppCallback{URL: cb.URL, Token: cbToken, EncodingAESKey: cbKey})
	ctx := context.Background()
	target := wecomtest.Target{CorpID: corpID, AgentID: agentID}

	require.NoError(t, srv.AddCustomerAndPush(ctx, target, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", State: "qr1"}, "WELCOME-1"))
	_, _, ok := srv.CustomerOf(corpID, "zhangsan", "wmA")
	require.True(t, ok, "the customer was added")
	for _, ev := range []wecomtest.ExternalContactEvent{
		{ChangeType: externalcontact.ChangeEditCustomer, UserID: "zhangsan", ExternalUserID: "wmA"},
		{ChangeType: externalcontact.ChangeAddHalfCustomer, UserID: "lisi", ExternalUserID: "wmB", State: "s2", WelcomeCode: "W2"},
		{ChangeType: externalcontact.ChangeDeleteCustomer, UserID: "zhangsan", ExternalUserID: "wmA", Source: externalcontact.SourceTransfer},
		{ChangeType: externalcontact.ChangeDeleteFollower, UserID: "lisi", ExternalUserID: "wmB"},
		{ChangeType: externalcontact.ChangeTransferFail, UserID: "wangwu", ExternalUserID: "wmC", FailReason: externalcontact.FailLimit},
		{Kind: externalcontact.KindChat, ChangeType: externalcontact.ChangeCreate, ChatID: "wr1"},
		{Kind: externalcontact.KindChat, ChangeType: externalcontact.ChangeUpdate, ChatID: "wr1", UpdateDetail: externalcontact.ChatDelMember,
			QuitScene: 1, MemChangeCnt: 2, MemChangeList: []string{"wmA", "lisi"}, LastMemVer: "v1", CurMemVer: "v2"},
		{Kind: externalcontact.KindChat, ChangeType: externalcontact.ChangeDismiss, ChatID: "wr1"},
		{Kind: externalcontact.KindTag, ChangeType: externalcontact.ChangeCreate, ID: "et1", TagType: externalcontact.TagTypeTag},
		{Kind: externalcontact.KindTag, ChangeType: externalcontact.ChangeUpdate, ID: "et1", TagType: externalcontact.TagTypeTag},
		{Kind: externalcontact.KindTag, ChangeType: externalcontact.ChangeDelete, ID: "etg", TagType: externalcontact.TagTypeGroup},
		{Kind: externalcontact.KindTag, ChangeType: externalcontact.ChangeShuffle, ID: "etg"},
		{Kind: externalcontact.KindAcquisition, ChangeType: externalcontact.AcquisitionBalanceLow},
		// Nothing registered: the fallback.
		{Kind: externalcontact.KindAcquisition, ChangeType: externalcontact.AcquisitionDeleteLink, LinkID: "ca1"},
	} {
		require.NoError(t, srv.PushExternalContactEvent(ctx, target, ev), "%s %s", ev.Kind, ev.ChangeType)
	}
	// Not a customer-contact event: the fallback too.
	require.NoError(t, srv.PushApp(ctx, corpID, agentID, []byte(`<xml><ToUserName>`+corpID+`</ToUserName><MsgType>event</MsgType><Event>enter_agent</Event></xml>`)))
	require.Equal(t, []string{
		"add_external_contact " + corpID + " zhangsan wmA qr1 WELCOME-1",
		"edit_external_contact " + corpID + " zhangsan wmA  ",
		"add_half_external_contact " + corpID + " lisi wmB s2 W2",
		"del_external_contact " + corpID + " zhangsan wmA  ",
		"del_follow_user " + corpID + " lisi wmB  ",
		"transfer_fail " + corpID + " wangwu wmC  ",
		"chat create wr1 ",
		"chat update wr1 wmA,lisi",
		"chat dismiss wr1 ",
		"tag create et1 tag",
		"tag update et1 tag",
		"tag delete etg tag_group",
		"tag shuffle etg ",
		"acquisition balance_low " + corpID,
	}, rec.list())
	mu.Lock()
	require.Equal(t, []string{"customer_acquisition/delete_link", "enter_agent/"}, other)
	mu.Unlock()
}

// A third-party app: the data callback (sealed for the corp, Event form)
// and the command callback (sealed for the suite, InfoType form, served
// by suite.Suite.CommandHandler and handed over by suite.OnEvent) give the
// same typed events, with the authorizing corp as CorpID.
func TestRouterThirdParty(t *testing.T) {
	const suiteID, authCorp = "wwsuite-ec", "ww-customer-corp"
	srv := wecomtest.NewServer(wecomtest.WithSuite(wecomtest.Suite{ID: suiteID, Secret: "s", Token: cbToken, EncodingAESKey: cbKey}))
	t.Cleanup(srv.Close)
	rec := &eventLog{}
	r := newRouter(rec)

	dataMC, err := crypto.New(cbToken, cbKey, authCorp)
	require.NoError(t, err)
	data := httptest.NewServer(crypto.NewHandler(dataMC, r))
	t.Cleanup(data.Close)
	srv.SetDataURL(suiteID, data.URL)

	// The command URL served by package suite: the push is recorded, then
	// a worker hands it to suite.OnEvent — here the router.
	st, err := suite.New(suite.Config{SuiteID: suiteID, SuiteSecret: "s", Token: cbToken, EncodingAESKey: cbKey},
		suite.WithStore(store.NewMemory()), suite.WithEphemeralStore(), suite.WithBaseURL(srv.URL), suite.OnEvent(r.Dispatch))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	cmd := httptest.NewServer(st.CommandHandler())
	t.Cleanup(cmd.Close)
	srv.SetCommandURL(suiteID, cmd.URL)

	ctx := context.Background()
	add := wecomtest.ExternalContactEvent{ChangeType: externalcontact.ChangeAddCustomer, UserID: "u1", ExternalUserID: "wmX", State: "st", WelcomeCode: "WC"}
	require.NoError(t, srv.PushExternalContactEvent(ctx, wecomtest.Target{CorpID: authCorp, SuiteID: suiteID, Data: true}, add))
	want := "add_external_contact " + authCorp + " u1 wmX st WC"
	require.Equal(t, []string{want}, rec.list())
	require.NoError(t, srv.PushExternalContactEvent(ctx, wecomtest.Target{CorpID: authCorp, SuiteID: suiteID}, add))
	require.Eventually(t, func() bool { return len(rec.list()) == 2 }, 10*time.Second, time.Millisecond, "the suite's worker ran")
	require.Equal(t, []string{want, want}, rec.list())

	require.ErrorIs(t, srv.PushExternalContactEvent(ctx, wecomtest.Target{CorpID: authCorp}, add), wecomtest.ErrNoTarget)
}

// The router never fails a callback it does not know; a registered
// function's error fails it (WeCom retries); a malformed event is
// answered success and reported.
func TestRouterErrors(t *testing.T) {
	ctx := context.Background()
	var dropped []error
	r := externalcontact.NewEventRouter().OnDropped(func(_ context.Context, err error) { dropped = append(dropped, err) })
	ev := func(xml string) *crypto.Event {
		e, err := crypto.ParseEvent([]byte(xml))
		require.NoError(t, err)
		return e
	}
	reply, err := r.HandleEvent(ctx, ev(`<xml><MsgType>text</MsgType><Content>hi</Content></xml>`))
	require.NoError(t, err)
	require.Nil(t, reply)
	_, err = r.HandleEvent(ctx, ev(`<xml><MsgType>event</MsgType><Event>change_external_contact</Event><ChangeType>new_kind</ChangeType></xml>`))
	require.NoError(t, err, "an unknown ChangeType is answered success")
	_, err = r.HandleEvent(ctx, ev(`<xml><MsgType>event</MsgType><Event>change_external_chat</Event><MemChangeCnt>many</MemChangeCnt></xml>`))
	require.NoError(t, err, "a malformed event is answered success")
	require.Len(t, dropped, 1)
	require.ErrorContains(t, dropped[0], "MemChangeCnt")

	boom := errors.New("database down")
	var any, tapped int
	r.OnDeleteCustomer(func(context.Context, *externalcontact.CustomerEvent) error { return boom }).
		OnAny(func(context.Context, *externalcontact.Event) error { any++; return nil }).
		Tap(func(context.Context, *externalcontact.Event) { tapped++ })
	del := ev(`<xml><MsgType>event</MsgType><Event>change_external_contact</Event><ChangeType>del_external_contact</ChangeType></xml>`)
	_, err = r.HandleEvent(ctx, del)
	require.ErrorIs(t, err, boom, "the callback fails, WeCom pushes again")
	r.Dispatch(ctx, del)
	require.Len(t, dropped, 2)
	require.ErrorIs(t, dropped[1], boom, "Dispatch reports what it cannot return")
	_, err = r.HandleEvent(ctx, ev(`<xml><MsgType>event</MsgType><Event>change_external_tag</Event><ChangeType>create</ChangeType></xml>`))
	require.NoError(t, err)
	require.Equal(t, 1, any, "OnAny takes what no On… function took")
	require.Equal(t, 3, tapped)

	// Unregistering.
	r.OnDeleteCustomer(nil)
	_, err = r.HandleEvent(ctx, del)
	require.NoError(t, err)
	require.Equal(t, 2, any)
}
