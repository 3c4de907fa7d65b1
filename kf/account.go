package kf

import (
	"context"
	"fmt"
	"iter"
	"regexp"
)

// Account limits (docs 94662, 94661, 94665).
const (
	MaxAccountName = 16  // characters in a kf account's name
	MaxMediaID     = 128 // bytes in an avatar's media_id
	accountPage    = 100 // account/list: limit 1 ~ 100
	MaxScene       = 32  // bytes in a contact way's scene
)

// sceneRE is what add_contact_way takes as a scene: [0-9a-zA-Z_-]*.
var sceneRE = regexp.MustCompile(`^[0-9a-zA-Z_-]*$`)

// Account is a kf account (客服账号) as account/list answers it.
type Account struct {
	OpenKfID string `json:"open_kfid"`
	Name     string `json:"name"`
	Avatar   string `json:"avatar"` // the avatar's URL
	// ManagePrivilege reports whether the calling app may manage the
	// account (edit it, route sessions, send messages); component apps
	// are not told.
	ManagePrivilege bool `json:"manage_privilege"`
}

// AddAccount creates a kf account named name (at most 16 characters) with
// the avatar avatarMediaID, a temporary image from package media's upload
// (kf/account/add, doc 94662), and returns its open_kfid. A corporation
// holds at most 5000 accounts. Accounts created through the API are
// managed by the calling app.
func (c *Client) AddAccount(ctx context.Context, name, avatarMediaID string) (string, error) {
	for _, err := range []error{required("name", name), maxRunes("name", name, MaxAccountName),
		required("avatar media_id", avatarMediaID), maxBytes("avatar media_id", avatarMediaID, MaxMediaID)} {
		if err != nil {
			return "", err
		}
	}
	a, err := accountAdd.Call(ctx, c.corp, &accountAddRequest{Name: name, MediaID: avatarMediaID})
	if err != nil {
		return "", fmt.Errorf("kf: add account: %w", err)
	}
	return a.OpenKfID, nil
}

// DeleteAccount deletes the kf account openKfID (kf/account/del, doc
// 94663).
func (c *Client) DeleteAccount(ctx context.Context, openKfID string) error {
	if err := required("open_kfid", openKfID); err != nil {
		return err
	}
	if _, err := accountDel.Call(ctx, c.corp, &openKfRequest{OpenKfID: openKfID}); err != nil {
		return fmt.Errorf("kf: delete account %s: %w", openKfID, err)
	}
	return nil
}

// AccountUpdate is what [Client.UpdateAccount] changes; empty fields are
// left as they are.
type AccountUpdate struct {
	Name          string // at most 16 characters
	AvatarMediaID string // a temporary image from package media
}

// UpdateAccount renames the kf account openKfID or changes its avatar
// (kf/account/update, doc 94664).
func (c *Client) UpdateAccount(ctx context.Context, openKfID string, u AccountUpdate) error {
	for _, err := range []error{required("open_kfid", openKfID), maxRunes("name", u.Name, MaxAccountName),
		maxBytes("avatar media_id", u.AvatarMediaID, MaxMediaID)} {
		if err != nil {
			return err
		}
	}
	if u.Name == "" && u.AvatarMediaID == "" {
		return fmt.Errorf("%w: nothing to update", ErrInvalidArgument)
	}
	req := &accountUpdateRequest{OpenKfID: openKfID, Name: u.Name, MediaID: u.AvatarMediaID}
	if _, err := accountUpdate.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("kf: update account %s: %w", openKfID, err)
	}
	return nil
}

// Accounts yields the corporation's kf accounts (kf/account/list, doc
// 94661), 100 an answer: WeCom pages by offset and limit, and a page
// shorter than the limit is the last. The sequence stops after the first
// error it yields.
func (c *Client) Accounts(ctx context.Context) iter.Seq2[Account, error] {
	return func(yield func(Account, error) bool) {
		req := &accountListRequest{Limit: accountPage}
		for {
			a, err := accountList.Call(ctx, c.corp, req)
			if err != nil {
				yield(Account{}, fmt.Errorf("kf: accounts from %d: %w", req.Offset, err))
				return
			}
			for _, acc := range a.AccountList {
				if !yield(acc, nil) {
					return
				}
			}
			if len(a.AccountList) < req.Limit {
				return
			}
			req.Offset += len(a.AccountList)
		}
	}
}

// ContactWay returns the link through which WeChat users open a session
// with the kf account openKfID (kf/add_contact_way, doc 94665). scene, at
// most 32 bytes of [0-9a-zA-Z_-], comes back in the enter_session event
// (Event.Scene); "" for none. To pass more, append
// "&scene_param=" + url.QueryEscape(param) (at most 128 bytes) to a link
// made with a scene; the event carries it as Event.SceneParam.
func (c *Client) ContactWay(ctx context.Context, openKfID, scene string) (string, error) {
	if err := required("open_kfid", openKfID); err != nil {
		return "", err
	}
	if err := maxBytes("scene", scene, MaxScene); err != nil {
		return "", err
	}
	if !sceneRE.MatchString(scene) {
		return "", fmt.Errorf("%w: scene %q has characters outside [0-9a-zA-Z_-]", ErrInvalidArgument, scene)
	}
	a, err := addContactWay.Call(ctx, c.corp, &contactWayRequest{OpenKfID: openKfID, Scene: scene})
	if err != nil {
		return "", fmt.Errorf("kf: contact way of %s: %w", openKfID, err)
	}
	return a.URL, nil
}
