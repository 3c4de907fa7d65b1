package externalcontact

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// Rule-group tags (规则组标签, doc 94882): corp customer tags that only the
// members a rule group (strategy) manages may use. An app manages only the
// tags it created.

var (
	getStrategyTagList = &wecom.Endpoint[wecom.CorpToken, *strategyTagListRequest, strategyTagListAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_strategy_tag_list", Doc: 94882, Idempotent: true,
		Entry: "externalcontact.Client.StrategyTags",
	}
	addStrategyTag = &wecom.Endpoint[wecom.CorpToken, *addStrategyTagRequest, strategyTagAddAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/add_strategy_tag", Doc: 94882,
		Entry: "externalcontact.Client.AddStrategyTags",
	}
	editStrategyTag = &wecom.Endpoint[wecom.CorpToken, *editTagRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/edit_strategy_tag", Doc: 94882, Idempotent: true,
		Entry: "externalcontact.Client.EditStrategyTag",
	}
	delStrategyTag = &wecom.Endpoint[wecom.CorpToken, *tagListRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/del_strategy_tag", Doc: 94882,
		Entry: "externalcontact.Client.DeleteStrategyTags",
	}
)

// StrategyTagGroup is a tag group of a rule group.
type StrategyTagGroup struct {
	GroupID    string `json:"group_id"`
	GroupName  string `json:"group_name"`
	CreateTime int64  `json:"create_time"`
	Order      uint32 `json:"order"`
	StrategyID int64  `json:"strategy_id"`
	Tags       []Tag  `json:"tag"`
}

type strategyTagListRequest struct {
	StrategyID int64    `json:"strategy_id,omitempty"`
	TagID      []string `json:"tag_id,omitempty"`
	GroupID    []string `json:"group_id,omitempty"`
}

type strategyTagListAnswer struct {
	TagGroup []StrategyTagGroup `json:"tag_group"`
}

type addStrategyTagRequest struct {
	StrategyID int64    `json:"strategy_id" wecom:"required"`
	GroupID    string   `json:"group_id,omitempty"`
	GroupName  string   `json:"group_name,omitempty"`
	Order      uint32   `json:"order,omitempty"`
	Tag        []NewTag `json:"tag" wecom:"required"`
}

type strategyTagAddAnswer struct {
	TagGroup StrategyTagGroup `json:"tag_group"`
}

// StrategyTags returns the tags of rule group strategyID
// (externalcontact/get_strategy_tag_list, doc 94882), filtered as
// [Client.CorpTags] filters.
func (c *Client) StrategyTags(ctx context.Context, strategyID int64, tagIDs, groupIDs []string) ([]StrategyTagGroup, error) {
	a, err := getStrategyTagList.Call(ctx, c.corp, &strategyTagListRequest{StrategyID: strategyID, TagID: tagIDs, GroupID: groupIDs})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: strategy %d tags: %w", strategyID, err)
	}
	return a.TagGroup, nil
}

// AddStrategyTags adds tags to rule group strategyID
// (externalcontact/add_strategy_tag, doc 94882), into the group
// n.GroupID or the one named n.GroupName, and returns the group with the
// new tags.
func (c *Client) AddStrategyTags(ctx context.Context, strategyID int64, n NewTags) (*StrategyTagGroup, error) {
	if strategyID == 0 {
		return nil, fmt.Errorf("%w: no strategy id", ErrInvalidArgument)
	}
	if len(n.Tags) == 0 || (n.GroupID == "" && n.GroupName == "") {
		return nil, fmt.Errorf("%w: tags and a group id or name are needed", ErrInvalidArgument)
	}
	a, err := addStrategyTag.Call(ctx, c.corp, &addStrategyTagRequest{StrategyID: strategyID, GroupID: n.GroupID, GroupName: n.GroupName, Order: n.Order, Tag: n.Tags})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: add strategy %d tags: %w", strategyID, err)
	}
	return &a.TagGroup, nil
}

// EditStrategyTag renames or reorders a rule-group tag or tag group
// (externalcontact/edit_strategy_tag, doc 94882).
func (c *Client) EditStrategyTag(ctx context.Context, id string, e TagEdit) error {
	if err := required("tag id", id); err != nil {
		return err
	}
	if e.Name == "" && e.Order == nil {
		return fmt.Errorf("%w: nothing to change", ErrInvalidArgument)
	}
	if _, err := editStrategyTag.Call(ctx, c.corp, &editTagRequest{ID: id, Name: e.Name, Order: e.Order}); err != nil {
		return fmt.Errorf("externalcontact: edit strategy tag %s: %w", id, err)
	}
	return nil
}

// DeleteStrategyTags deletes rule-group tags and tag groups
// (externalcontact/del_strategy_tag, doc 94882).
func (c *Client) DeleteStrategyTags(ctx context.Context, tagIDs, groupIDs []string) error {
	if len(tagIDs) == 0 && len(groupIDs) == 0 {
		return fmt.Errorf("%w: no tags to delete", ErrInvalidArgument)
	}
	if _, err := delStrategyTag.Call(ctx, c.corp, &tagListRequest{TagID: tagIDs, GroupID: groupIDs}); err != nil {
		return fmt.Errorf("externalcontact: delete strategy tags: %w", err)
	}
	return nil
}
