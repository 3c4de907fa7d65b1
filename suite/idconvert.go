package suite

import (
	"context"
	"errors"
	"fmt"

	"github.com/wecomkit/wecomkit/wecom"
)

// Which id a third-party app sees. Since WeCom's 2022 ID upgrade a
// third-party or 代开发 app is given encrypted ids: a corporation's corp id in
// the provider's form (auth_corp_info.corpid, AuthCorpId in pushes) and,
// for members, the provider-level open_userid (the same in all of one
// provider's apps; getuserinfo3rd, get_login_info and auth_user_info carry
// it as open_userid, and it is what apps created since then receive as
// userid in contacts and messages). A customer's own self-built app sees the
// plain ids. The calls here convert plain ids a customer hands the provider,
// and back. See the repository's docs/wecom-api-notes.md for the table.

// MaxIDBatch is the most ids one conversion call takes (docs 97062, 95884);
// longer lists are sent in batches of this size.
const MaxIDBatch = 1000

// IDConversion is the outcome of converting a list of ids.
type IDConversion struct {
	// Converted maps each id converted to its counterpart.
	Converted map[string]string
	// Invalid lists the ids WeCom did not convert (unknown, or not in the
	// app's visible range), in the order given.
	Invalid []string
}

// OpenCorpID converts a corporation's plain corp id into the provider's
// encrypted form, the one the provider's apps see
// (corpid_to_opencorpid, https://developer.work.weixin.qq.com/document/path/95604).
// Only corporations that authorized one of the provider's apps convert.
func (p *Provider) OpenCorpID(ctx context.Context, corpID string) (string, error) {
	if corpID == "" {
		return "", fmt.Errorf("%w: empty corp id", ErrInvalidArgument)
	}
	out, err := corpIDToOpenCorpID.Call(ctx, p.call, openCorpIDRequest{CorpID: corpID})
	if err != nil {
		return "", fmt.Errorf("suite: corpid_to_opencorpid: %w", err)
	}
	if out.OpenCorpID == "" {
		return "", errors.New("suite: corpid_to_opencorpid: answer has no open_corpid")
	}
	return out.OpenCorpID, nil
}

// OpenUserIDs converts plain userids of corpID's members into the
// provider's open_userids (userid_to_openuserid,
// https://developer.work.weixin.qq.com/document/path/97062), with the app's
// token for that corporation: a third-party or 代开发 app may call it for
// members in its visible range. Lists longer than [MaxIDBatch] are sent in
// batches; duplicates are sent once. Ids WeCom refuses are listed in
// Invalid — send correct ones: WeCom blocks the call for a day after too
// many wrong ones. If a batch fails, the conversion of the batches before
// it is returned with the error.
func (s *Suite) OpenUserIDs(ctx context.Context, corpID string, userIDs []string) (*IDConversion, error) {
	c, err := s.Corp(ctx, corpID)
	if err != nil {
		return nil, err
	}
	corp, err := wecom.Bind[wecom.CorpToken](c)
	if err != nil {
		return nil, fmt.Errorf("suite: userid_to_openuserid: %w", err)
	}
	return convertIDs(userIDs, "userid_to_openuserid", func(batch []string, out *idConversionAnswer) error {
		return userIDToOpenUserID.CallInto(ctx, corp, openUserIDsRequest{UserIDList: batch}, out)
	})
}

// UserIDs converts open_userids obtained by a third-party or 代开发 app
// (sourceAgentID, its agentid in the corporation) back into plain userids
// (openuserid_to_userid, https://developer.work.weixin.qq.com/document/path/95884).
// corp must be a corp-token client of that corporation's own self-built
// app, as WeCom documents, and the members visible to both apps; batches
// and errors are as for [Suite.OpenUserIDs]. Whether WeCom also accepts a
// 代开发 app's own client here is not confirmed (see the API notes).
func UserIDs(ctx context.Context, corp *wecom.Client, sourceAgentID int64, openUserIDs []string) (*IDConversion, error) {
	if corp == nil || corp.TokenParam() != wecom.AccessToken {
		return nil, fmt.Errorf("%w: UserIDs needs a corporation's client (access_token)", ErrInvalidArgument)
	}
	if sourceAgentID == 0 {
		return nil, fmt.Errorf("%w: source agentid is required", ErrInvalidArgument)
	}
	c, err := wecom.Bind[wecom.CorpToken](corp)
	if err != nil {
		return nil, fmt.Errorf("%w: UserIDs: %w", ErrInvalidArgument, err)
	}
	return convertIDs(openUserIDs, "openuserid_to_userid", func(batch []string, out *idConversionAnswer) error {
		return openUserIDToUserID.CallInto(ctx, c, userIDsRequest{OpenUserIDList: batch, SourceAgentID: sourceAgentID}, out)
	})
}

// convertIDs sends ids, deduplicated, to one of the batch conversions
// (name, for errors) in batches of MaxIDBatch, through call.
func convertIDs(ids []string, name string, call func(batch []string, out *idConversionAnswer) error) (*IDConversion, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w: no ids", ErrInvalidArgument)
	}
	var unique []string
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id == "" {
			return nil, fmt.Errorf("%w: empty id", ErrInvalidArgument)
		}
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	res := &IDConversion{Converted: make(map[string]string, len(unique))}
	for start := 0; start < len(unique); start += MaxIDBatch {
		batch := unique[start:min(start+MaxIDBatch, len(unique))]
		var out idConversionAnswer
		if err := call(batch, &out); err != nil {
			return res, fmt.Errorf("suite: %s (ids %d to %d of %d): %w", name, start+1, start+len(batch), len(unique), err)
		}
		for _, p := range out.OpenUserIDList {
			res.Converted[p.UserID] = p.OpenUserID
		}
		for _, p := range out.UserIDList {
			res.Converted[p.OpenUserID] = p.UserID
		}
		// An id WeCom neither converted nor listed as invalid counts as
		// invalid too: the caller learns of every id left over.
		for _, id := range batch {
			if _, ok := res.Converted[id]; !ok {
				res.Invalid = append(res.Invalid, id)
			}
		}
	}
	return res, nil
}
