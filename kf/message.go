package kf

import (
	"bytes"
	"encoding/json"
	"time"
)

// Message origins (origin, doc 94670).
const (
	OriginCustomer = 3 // a WeChat customer's message
	OriginEvent    = 4 // an event WeCom pushes
	OriginServicer = 5 // a receptionist's message from the WeCom client
)

// Event types (event.event_type, doc 94670).
const (
	EventEnterSession         = "enter_session"          // the customer opened the session: WelcomeCode
	EventMsgSendFail          = "msg_send_fail"          // a sent message failed: FailMsgID, FailType
	EventServicerStatusChange = "servicer_status_change" // a receptionist started or stopped receiving
	EventSessionStatusChange  = "session_status_change"  // a session was taken, moved or ended: MsgCode
	EventUserRecallMsg        = "user_recall_msg"        // the customer recalled RecallMsgID
	EventServicerRecallMsg    = "servicer_recall_msg"    // a receptionist recalled RecallMsgID
	EventRejectCustomerMsg    = "reject_customer_msg_switch_change"
)

// Message is one message or event read with sync_msg (doc 94670). MsgType
// names the field that carries its content; an event is MsgType "event"
// with Event set. A message or event of a type this package does not know
// is kept whole in Raw, never an error, so that a new WeCom type cannot
// stop the [Pump]; WeCom adds types (视频号商品, 会议, 笔记 …) over time.
type Message struct {
	MsgID          string `json:"msgid"`
	OpenKfID       string `json:"open_kfid"`
	ExternalUserID string `json:"external_userid"`
	SendTime       int64  `json:"send_time"` // Unix seconds; see Sent
	Origin         int    `json:"origin"`    // OriginCustomer, OriginEvent or OriginServicer
	ServicerUserID string `json:"servicer_userid,omitempty"`
	MsgType        string `json:"msgtype"`

	Text                *ReceivedText        `json:"text,omitempty"`
	Image               *MediaRef            `json:"image,omitempty"`
	Voice               *MediaRef            `json:"voice,omitempty"` // AMR, or Silk with voice_format 1
	Video               *MediaRef            `json:"video,omitempty"`
	File                *MediaRef            `json:"file,omitempty"`
	Location            *Location            `json:"location,omitempty"`
	Link                *ReceivedLink        `json:"link,omitempty"`
	BusinessCard        *BusinessCard        `json:"business_card,omitempty"`
	MiniProgram         *MiniProgram         `json:"miniprogram,omitempty"`
	MsgMenu             *Menu                `json:"msgmenu,omitempty"`
	ChannelsShopProduct *ChannelsShopProduct `json:"channels_shop_product,omitempty"`
	ChannelsShopOrder   *ChannelsShopOrder   `json:"channels_shop_order,omitempty"`
	MergedMsg           *MergedMsg           `json:"merged_msg,omitempty"`
	Channels            *Channels            `json:"channels,omitempty"`
	Event               *Event               `json:"event,omitempty"`

	// Raw is the message's JSON as WeCom sent it, kept only when MsgType
	// (or an event's EventType) is not one this package models: its
	// content is free-form by definition.
	Raw []byte `json:"-"`
}

// Sent returns when the message was sent.
func (m *Message) Sent() time.Time { return time.Unix(m.SendTime, 0) }

// Known reports whether the message's type, and an event's type, are
// modelled by this package (Raw is empty then).
func (m *Message) Known() bool { return m.Raw == nil }

// ReceivedText is a text message; MenuID is set when the customer clicked
// an item of a [Menu].
type ReceivedText struct {
	Content string `json:"content"`
	MenuID  string `json:"menu_id,omitempty"`
}

// ReceivedLink is a link the customer shared.
type ReceivedLink struct {
	Title  string `json:"title"`
	Desc   string `json:"desc"`
	URL    string `json:"url"`
	PicURL string `json:"pic_url"`
}

// BusinessCard is a member's business card the customer shared.
type BusinessCard struct {
	UserID string `json:"userid"`
}

// ChannelsShopProduct is a WeChat Channels shop product (视频号商品).
type ChannelsShopProduct struct {
	ProductID    string `json:"product_id"`
	HeadImage    string `json:"head_image"`
	Title        string `json:"title"`
	SalesPrice   string `json:"sales_price"`
	ShopNickname string `json:"shop_nickname"`
	ShopHeadImg  string `json:"shop_head_image"`
}

// ChannelsShopOrder is a WeChat Channels shop order (视频号订单).
type ChannelsShopOrder struct {
	OrderID      string `json:"order_id"`
	ProductTitle string `json:"product_titles"`
	PriceWording string `json:"price_wording"`
	State        string `json:"state"`
	ImageURL     string `json:"image_url"`
	ShopNickname string `json:"shop_nickname"`
}

// MergedMsg is a forwarded chat record (聊天记录). Each item's MsgContent
// is the JSON of one message, free-form by WeCom's definition.
type MergedMsg struct {
	Title string `json:"title"`
	Item  []struct {
		SendTime   int64  `json:"send_time"`
		MsgType    string `json:"msgtype"`
		SenderName string `json:"sender_name"`
		MsgContent string `json:"msg_content"`
	} `json:"item"`
}

// Channels is a WeChat Channels post or live stream (视频号消息).
type Channels struct {
	SubType  int    `json:"sub_type"` // 1 post, 2 live, 3 live notice
	Nickname string `json:"nickname"`
	Title    string `json:"title"`
}

// Event is the content of an event message. Which fields are set depends
// on EventType.
type Event struct {
	EventType      string `json:"event_type"`
	OpenKfID       string `json:"open_kfid,omitempty"`
	ExternalUserID string `json:"external_userid,omitempty"`

	// enter_session: the contact way's scene and scene_param; WelcomeCode
	// when WeCom lets the corporation send a welcome message
	// ([Client.SendOnEvent], within 20 s); the channels the customer came
	// from.
	Scene          string          `json:"scene,omitempty"`
	SceneParam     string          `json:"scene_param,omitempty"`
	WelcomeCode    string          `json:"welcome_code,omitempty"`
	WechatChannels *WechatChannels `json:"wechat_channels,omitempty"`

	// msg_send_fail: the msgid that failed and why (0 unknown, 1 account
	// deleted, 2 app closed, 4 session expired (48 h), 5 session closed,
	// 6 more than 5 messages, 8 subject unverified, 10 customer refuses
	// messages, …).
	FailMsgID string `json:"fail_msgid,omitempty"`
	FailType  int    `json:"fail_type,omitempty"`

	// servicer_status_change: the receptionist and the new status (1
	// receiving, 2 stopped, 3 suspended); session_status_change and
	// servicer_recall_msg: the receptionist.
	ServicerUserID string `json:"servicer_userid,omitempty"`
	Status         int    `json:"status,omitempty"`
	StopType       int    `json:"stop_type,omitempty"`

	// session_status_change: 1 taken from the pool, 2 moved, 3 ended,
	// 4 an ended session re-opened by a receptionist; MsgCode lets
	// [Client.SendOnEvent] send one message for it.
	ChangeType        int    `json:"change_type,omitempty"`
	OldServicerUserID string `json:"old_servicer_userid,omitempty"`
	NewServicerUserID string `json:"new_servicer_userid,omitempty"`
	MsgCode           string `json:"msg_code,omitempty"`

	// user_recall_msg, servicer_recall_msg: the recalled message.
	RecallMsgID string `json:"recall_msgid,omitempty"`

	// reject_customer_msg_switch_change: 1 the receptionist refuses the
	// customer's messages, 2 accepts them again.
	RejectSwitch int `json:"reject_switch,omitempty"`
}

// WechatChannels is the WeChat Channels account a customer entered from.
type WechatChannels struct {
	Nickname     string `json:"nickname"`
	ShopNickname string `json:"shop_nickname,omitempty"`
	Scene        int    `json:"scene"`
}

var knownMsgTypes = map[string]bool{
	"text": true, "image": true, "voice": true, "video": true, "file": true, "location": true, "link": true,
	"business_card": true, "miniprogram": true, "msgmenu": true, "channels_shop_product": true,
	"channels_shop_order": true, "merged_msg": true, "channels": true, "event": true,
}

var knownEvents = map[string]bool{
	EventEnterSession: true, EventMsgSendFail: true, EventServicerStatusChange: true, EventSessionStatusChange: true,
	EventUserRecallMsg: true, EventServicerRecallMsg: true, EventRejectCustomerMsg: true,
}

type messageFields Message // Message without its UnmarshalJSON

// UnmarshalJSON decodes one message of msg_list, keeping it whole in Raw
// when its type is unknown. A type's field that does not match the model
// (WeCom changed a field's type) makes the message unknown too, rather
// than failing the page.
func (m *Message) UnmarshalJSON(data []byte) error {
	*m = Message{}
	if err := json.Unmarshal(data, (*messageFields)(m)); err != nil {
		var head struct {
			MsgID          string `json:"msgid"`
			OpenKfID       string `json:"open_kfid"`
			ExternalUserID string `json:"external_userid"`
			SendTime       int64  `json:"send_time"`
			Origin         int    `json:"origin"`
			MsgType        string `json:"msgtype"`
		}
		if err2 := json.Unmarshal(data, &head); err2 != nil {
			return err // not even an object: the page is malformed
		}
		*m = Message{MsgID: head.MsgID, OpenKfID: head.OpenKfID, ExternalUserID: head.ExternalUserID,
			SendTime: head.SendTime, Origin: head.Origin, MsgType: head.MsgType, Raw: bytes.Clone(data)}
		return nil
	}
	if !knownMsgTypes[m.MsgType] || (m.MsgType == "event" && (m.Event == nil || !knownEvents[m.Event.EventType])) {
		m.Raw = bytes.Clone(data)
	}
	return nil
}
