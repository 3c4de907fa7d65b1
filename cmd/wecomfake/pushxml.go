package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// xmlDoc builds a callback's plaintext as WeCom writes it: text in CDATA,
// numbers bare.
type xmlDoc struct{ b strings.Builder }

func newXMLDoc() *xmlDoc {
	d := &xmlDoc{}
	d.b.WriteString("<xml>")
	return d
}

func (d *xmlDoc) text(name, v string) *xmlDoc {
	// "]]>" cannot stand inside CDATA: close the section and reopen it.
	v = strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>")
	d.b.WriteString("<" + name + "><![CDATA[" + v + "]]></" + name + ">")
	return d
}

func (d *xmlDoc) num(name string, v int64) *xmlDoc {
	d.b.WriteString("<" + name + ">" + strconv.FormatInt(v, 10) + "</" + name + ">")
	return d
}

func (d *xmlDoc) done() []byte {
	d.b.WriteString("</xml>")
	return []byte(d.b.String())
}

// textMessageXML is a text message member req.From wrote to the app
// (接收普通消息, https://developer.work.weixin.qq.com/document/path/90239).
func textMessageXML(req messageRequest, now time.Time) []byte {
	return newXMLDoc().
		text("ToUserName", req.CorpID).text("FromUserName", req.From).num("CreateTime", now.Unix()).
		text("MsgType", "text").text("Content", req.Text).num("MsgId", now.UnixNano()).
		num("AgentID", req.AgentID).done()
}

// changeContactXML is the change_contact event an app's callback receives
// when a member is created, updated or deleted
// (https://developer.work.weixin.qq.com/document/path/90970).
func changeContactXML(corpID, changeType string, m wecomtest.Member, now time.Time) []byte {
	d := newXMLDoc().
		text("ToUserName", corpID).text("FromUserName", "sys").num("CreateTime", now.Unix()).
		text("MsgType", "event").text("Event", "change_contact").text("ChangeType", changeType).
		text("UserID", m.UserID)
	if changeType == "delete_user" {
		return d.done()
	}
	depts := make([]string, len(m.Department))
	for i, id := range m.Department {
		depts[i] = strconv.FormatInt(id, 10)
	}
	d.text("Name", m.Name).text("Department", strings.Join(depts, ","))
	if len(m.Department) > 0 {
		d.num("MainDepartment", m.Department[0])
	}
	if m.Position != "" {
		d.text("Position", m.Position)
	}
	return d.done()
}
