package externalcontact

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The join-way endpoints (客户群「加入群聊」管理, doc 92229).
var (
	addJoinWay = &wecom.Endpoint[wecom.CorpToken, *joinWayRequest, joinWayCreated]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/add_join_way", Doc: 92229,
		Entry: "externalcontact.Client.AddJoinWay",
	}
	getJoinWay = &wecom.Endpoint[wecom.CorpToken, *configIDRequest, joinWayAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/get_join_way", Doc: 92229, Idempotent: true,
		Entry: "externalcontact.Client.JoinWay",
	}
	updateJoinWay = &wecom.Endpoint[wecom.CorpToken, *joinWayRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/update_join_way", Doc: 92229, Idempotent: true,
		Entry: "externalcontact.Client.UpdateJoinWay",
	}
	delJoinWay = &wecom.Endpoint[wecom.CorpToken, *configIDRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/del_join_way", Doc: 92229,
		Entry: "externalcontact.Client.DeleteJoinWay",
	}
)

// Join way scenes (scene, doc 92229).
const (
	JoinSceneMiniProgram = 1 // a mini program plugin: no QR code
	JoinSceneQRCode      = 2 // a QR code: get_join_way answers qr_code
)

// MaxJoinWayChats is how many customer groups one join way takes
// (chat_id_list, doc 92229: 5).
const MaxJoinWayChats = 5

// JoinWayConfig is a way to join customer groups (「加入群聊」), as
// [Client.AddJoinWay] and [Client.UpdateJoinWay] send it.
type JoinWayConfig struct {
	Scene  int    // JoinSceneMiniProgram or JoinSceneQRCode
	Remark string // at most 30 characters; longer is cut by WeCom
	// AutoCreateRoom: when the groups are full, WeCom creates a new group
	// named RoomBaseName plus a number counting from RoomBaseID. nil is
	// WeCom's default, true.
	AutoCreateRoom *bool
	RoomBaseName   string // at most 40 characters
	RoomBaseID     int
	ChatIDs        []string // 1 to MaxJoinWayChats customer groups
	State          string   // at most 30 characters; returned as GroupChatMember.State
}

// JoinWay is a configured join way (join_way, doc 92229).
type JoinWay struct {
	ConfigID       string   `json:"config_id"`
	Scene          int      `json:"scene"`
	Remark         string   `json:"remark,omitempty"`
	AutoCreateRoom int      `json:"auto_create_room"` // 1 yes, 0 no
	RoomBaseName   string   `json:"room_base_name,omitempty"`
	RoomBaseID     int      `json:"room_base_id,omitempty"`
	ChatIDList     []string `json:"chat_id_list"`
	QRCode         string   `json:"qr_code,omitempty"` // JoinSceneQRCode only
	State          string   `json:"state,omitempty"`
}

type joinWayRequest struct {
	ConfigID       string   `json:"config_id,omitempty"`
	Scene          int      `json:"scene" wecom:"required"`
	Remark         string   `json:"remark,omitempty"`
	AutoCreateRoom *int     `json:"auto_create_room,omitempty"`
	RoomBaseName   string   `json:"room_base_name,omitempty"`
	RoomBaseID     int      `json:"room_base_id,omitempty"`
	ChatIDList     []string `json:"chat_id_list" wecom:"required"`
	State          string   `json:"state,omitempty"`
}

type joinWayCreated struct {
	ConfigID string `json:"config_id"`
}

type joinWayAnswer struct {
	JoinWay JoinWay `json:"join_way"`
}

func (w *JoinWayConfig) request(configID string) (*joinWayRequest, error) {
	switch {
	case w.Scene != JoinSceneMiniProgram && w.Scene != JoinSceneQRCode:
		return nil, fmt.Errorf("%w: join way scene %d", ErrInvalidArgument, w.Scene)
	case len(w.ChatIDs) == 0 || len(w.ChatIDs) > MaxJoinWayChats:
		return nil, fmt.Errorf("%w: %d groups (1 to %d)", ErrInvalidArgument, len(w.ChatIDs), MaxJoinWayChats)
	}
	req := &joinWayRequest{ConfigID: configID, Scene: w.Scene, Remark: w.Remark, RoomBaseName: w.RoomBaseName,
		RoomBaseID: w.RoomBaseID, ChatIDList: w.ChatIDs, State: w.State}
	if w.AutoCreateRoom != nil {
		v := 0
		if *w.AutoCreateRoom {
			v = 1
		}
		req.AutoCreateRoom = &v
	}
	return req, nil
}

// AddJoinWay configures a way to join customer groups
// (externalcontact/groupchat/add_join_way, doc 92229) and returns its
// config_id; [Client.JoinWay] gives its QR code.
func (c *Client) AddJoinWay(ctx context.Context, w JoinWayConfig) (string, error) {
	req, err := w.request("")
	if err != nil {
		return "", err
	}
	a, err := addJoinWay.Call(ctx, c.corp, req)
	if err != nil {
		return "", fmt.Errorf("externalcontact: add join way: %w", err)
	}
	return a.ConfigID, nil
}

// JoinWay returns the join way configID
// (externalcontact/groupchat/get_join_way, doc 92229).
func (c *Client) JoinWay(ctx context.Context, configID string) (*JoinWay, error) {
	if err := required("config_id", configID); err != nil {
		return nil, err
	}
	a, err := getJoinWay.Call(ctx, c.corp, &configIDRequest{ConfigID: configID})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: join way %s: %w", configID, err)
	}
	return &a.JoinWay, nil
}

// UpdateJoinWay replaces the join way configID's settings with w
// (externalcontact/groupchat/update_join_way, doc 92229).
func (c *Client) UpdateJoinWay(ctx context.Context, configID string, w JoinWayConfig) error {
	if err := required("config_id", configID); err != nil {
		return err
	}
	req, err := w.request(configID)
	if err != nil {
		return err
	}
	if _, err := updateJoinWay.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("externalcontact: update join way %s: %w", configID, err)
	}
	return nil
}

// DeleteJoinWay deletes the join way configID
// (externalcontact/groupchat/del_join_way, doc 92229).
func (c *Client) DeleteJoinWay(ctx context.Context, configID string) error {
	if err := required("config_id", configID); err != nil {
		return err
	}
	if _, err := delJoinWay.Call(ctx, c.corp, &configIDRequest{ConfigID: configID}); err != nil {
		return fmt.Errorf("externalcontact: delete join way %s: %w", configID, err)
	}
	return nil
}
