package message

import (
	"context"
	"fmt"
)

// CardUpdate replaces a template card already sent, for some or all of
// its receivers (message/update_template_card, doc 94888). Set exactly one
// of ButtonText and Card.
type CardUpdate struct {
	// To names whose card changes; To.All changes every receiver's.
	To Recipients
	// ResponseCode is the code message/send answered for the card
	// ([Result.ResponseCode]) or the template_card_event callback
	// brought. Each code is good for one update, within 72 hours.
	ResponseCode string
	// ButtonText makes an interactive card's buttons unclickable, showing
	// this text (button_interaction, vote_interaction and
	// multiple_interaction cards only).
	ButtonText string
	// Card replaces the card: WeCom allows it for interactive cards and
	// for text_notice and news_notice cards sent with an action_menu.
	Card *TemplateCard
	// EnableIDTrans turns $userName=…$ and $departmentName=…$ into names.
	EnableIDTrans bool
}

// UpdateTemplateCard updates a template card sent before with POST
// /cgi-bin/message/update_template_card
// (https://developer.work.weixin.qq.com/document/path/94888). The Result
// lists the users WeCom did not update and the fields cut (or, with
// [Strict], refused) in the new card.
func (c *Client) UpdateTemplateCard(ctx context.Context, u *CardUpdate) (*Result, error) {
	if u == nil || u.ResponseCode == "" {
		return nil, invalid("no response_code")
	}
	to := u.To
	switch {
	case (u.ButtonText == "") == (u.Card == nil):
		return nil, invalid("set exactly one of ButtonText and Card")
	case !to.All && len(to.Users) == 0 && len(to.Parties) == 0 && len(to.Tags) == 0:
		return nil, invalid("no receivers to update")
	case len(to.Users) > MaxUsers || len(to.Parties) > MaxParties || len(to.Tags) > MaxTags:
		return nil, invalid("at most %d users, %d parties and %d tags", MaxUsers, MaxParties, MaxTags)
	}
	if err := checkUserIDs("update", to.Users); err != nil {
		return nil, err
	}
	res := &Result{}
	var b body
	req := &updateCardRequest{
		UserIDs: to.Users, PartyIDs: to.Parties, TagIDs: to.Tags,
		AgentID: c.agentID, ResponseCode: u.ResponseCode,
	}
	if to.All {
		req.AtAll = 1
	}
	if u.EnableIDTrans {
		req.EnableIDTrans = 1
	}
	if u.ButtonText != "" {
		req.Button = &cardButton{ReplaceName: u.ButtonText}
	} else {
		f := filler{body: &b, strict: c.strict, result: res}
		if err := u.Card.fill(&f); err != nil {
			return nil, err
		}
		req.TemplateCard = b.TemplateCard
	}
	var out updateCardResponse
	if err := updateTemplateCard.CallInto(ctx, c.corp, req, &out); err != nil {
		return nil, fmt.Errorf("message: update template card: %w", err)
	}
	res.InvalidUsers = out.InvalidUser
	return res, nil
}
