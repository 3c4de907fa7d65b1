package externalcontact

import (
	"context"
	"fmt"
)

// TagGroup is a group of corp customer tags (tag_group, doc 92117).
type TagGroup struct {
	GroupID    string `json:"group_id"`
	GroupName  string `json:"group_name"`
	CreateTime int64  `json:"create_time"` // unix seconds
	Order      uint32 `json:"order"`       // larger first
	Deleted    bool   `json:"deleted,omitempty"`
	Tags       []Tag  `json:"tag"`
}

// Tag is a corp customer tag.
type Tag struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CreateTime int64  `json:"create_time"`
	Order      uint32 `json:"order"`
	Deleted    bool   `json:"deleted,omitempty"`
}

// NewTag is a tag for [Client.AddCorpTags].
type NewTag struct {
	Name  string `json:"name"`
	Order uint32 `json:"order,omitempty"`
}

// NewTags is what [Client.AddCorpTags] adds: Tags into the group GroupID,
// or, when GroupID is "", into the group named GroupName (created when
// there is none).
type NewTags struct {
	GroupID   string
	GroupName string
	Order     uint32 // the group's, when it is created
	Tags      []NewTag
}

// CorpTags returns the corporation's customer tags
// (externalcontact/get_corp_tag_list, doc 92117): all of them when both
// lists are empty, else the groups groupIDs with all their tags, or, when
// groupIDs is empty, the tags tagIDs in their groups. WeCom ignores tagIDs
// when groupIDs is given.
func (c *Client) CorpTags(ctx context.Context, tagIDs, groupIDs []string) ([]TagGroup, error) {
	a, err := getCorpTagList.Call(ctx, c.corp, &tagListRequest{TagID: tagIDs, GroupID: groupIDs})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: corp tags: %w", err)
	}
	return a.TagGroup, nil
}

// AddCorpTags adds tags (externalcontact/add_corp_tag, doc 92117) and
// returns their group with the new tags' ids.
func (c *Client) AddCorpTags(ctx context.Context, n NewTags) (*TagGroup, error) {
	if len(n.Tags) == 0 {
		return nil, fmt.Errorf("%w: no tags to add", ErrInvalidArgument)
	}
	if n.GroupID == "" && n.GroupName == "" {
		return nil, fmt.Errorf("%w: neither a group id nor a group name", ErrInvalidArgument)
	}
	for _, t := range n.Tags {
		if t.Name == "" {
			return nil, fmt.Errorf("%w: a tag without a name", ErrInvalidArgument)
		}
	}
	a, err := addCorpTag.Call(ctx, c.corp, &addTagRequest{GroupID: n.GroupID, GroupName: n.GroupName, Order: n.Order, Tag: n.Tags})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: add corp tags: %w", err)
	}
	return &a.TagGroup, nil
}

// TagEdit is what [Client.EditCorpTag] changes: a Name "" and a nil Order
// are left as they are.
type TagEdit struct {
	Name  string
	Order *uint32
}

// EditCorpTag renames or reorders the tag or tag group id
// (externalcontact/edit_corp_tag, doc 92117).
func (c *Client) EditCorpTag(ctx context.Context, id string, e TagEdit) error {
	if err := required("tag id", id); err != nil {
		return err
	}
	if e.Name == "" && e.Order == nil {
		return fmt.Errorf("%w: nothing to change", ErrInvalidArgument)
	}
	if _, err := editCorpTag.Call(ctx, c.corp, &editTagRequest{ID: id, Name: e.Name, Order: e.Order}); err != nil {
		return fmt.Errorf("externalcontact: edit corp tag %s: %w", id, err)
	}
	return nil
}

// DeleteCorpTags deletes tags and whole tag groups
// (externalcontact/del_corp_tag, doc 92117).
func (c *Client) DeleteCorpTags(ctx context.Context, tagIDs, groupIDs []string) error {
	if len(tagIDs) == 0 && len(groupIDs) == 0 {
		return fmt.Errorf("%w: no tags to delete", ErrInvalidArgument)
	}
	if _, err := delCorpTag.Call(ctx, c.corp, &tagListRequest{TagID: tagIDs, GroupID: groupIDs}); err != nil {
		return fmt.Errorf("externalcontact: delete corp tags: %w", err)
	}
	return nil
}

// MarkTags adds and removes corp tags on customer externalUserID as member
// userID's (externalcontact/mark_tag, doc 92118).
func (c *Client) MarkTags(ctx context.Context, userID, externalUserID string, add, remove []string) error {
	if err := required("userid", userID); err != nil {
		return err
	}
	if err := required("external userid", externalUserID); err != nil {
		return err
	}
	if len(add) == 0 && len(remove) == 0 {
		return fmt.Errorf("%w: no tags to add or remove", ErrInvalidArgument)
	}
	if _, err := markTag.Call(ctx, c.corp, &markTagRequest{UserID: userID, ExternalUserID: externalUserID, AddTag: add, RemoveTag: remove}); err != nil {
		return fmt.Errorf("externalcontact: mark tags on %s for %s: %w", externalUserID, userID, err)
	}
	return nil
}
