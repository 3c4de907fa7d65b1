package externalcontact

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The endpoints, each declared once.
var (
	getFollowUserList = &wecom.Endpoint[wecom.CorpToken, struct{}, followUsersAnswer]{
		Method: http.MethodGet, Path: "/cgi-bin/externalcontact/get_follow_user_list", Doc: 92571,
		Entry: "externalcontact.Client.FollowUsers",
	}
	list = &wecom.Endpoint[wecom.CorpToken, listRequest, listAnswer]{
		Method: http.MethodGet, Path: "/cgi-bin/externalcontact/list", Doc: 92113,
		Entry: "externalcontact.Client.Customers",
	}
	get = &wecom.Endpoint[wecom.CorpToken, getRequest, getAnswer]{
		Method: http.MethodGet, Path: "/cgi-bin/externalcontact/get", Doc: 92114,
		Entry: "externalcontact.Client.Customer",
	}
	batchGetByUser = &wecom.Endpoint[wecom.CorpToken, *batchRequest, batchAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/batch/get_by_user", Doc: 92994, Idempotent: true,
		Entry: "externalcontact.Client.CustomersOf",
	}
	remark = &wecom.Endpoint[wecom.CorpToken, *remarkRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/remark", Doc: 92115, Idempotent: true,
		Entry: "externalcontact.Client.Remark",
	}
	getCorpTagList = &wecom.Endpoint[wecom.CorpToken, *tagListRequest, tagListAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_corp_tag_list", Doc: 92117, Idempotent: true,
		Entry: "externalcontact.Client.CorpTags",
	}
	addCorpTag = &wecom.Endpoint[wecom.CorpToken, *addTagRequest, addTagAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/add_corp_tag", Doc: 92117,
		Entry: "externalcontact.Client.AddCorpTags",
	}
	editCorpTag = &wecom.Endpoint[wecom.CorpToken, *editTagRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/edit_corp_tag", Doc: 92117, Idempotent: true,
		Entry: "externalcontact.Client.EditCorpTag",
	}
	delCorpTag = &wecom.Endpoint[wecom.CorpToken, *tagListRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/del_corp_tag", Doc: 92117,
		Entry: "externalcontact.Client.DeleteCorpTags",
	}
	markTag = &wecom.Endpoint[wecom.CorpToken, *markTagRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/mark_tag", Doc: 92118, Idempotent: true,
		Entry: "externalcontact.Client.MarkTags",
	}
)

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	out := []wecom.EndpointInfo{
		getFollowUserList.Info(), list.Info(), get.Info(), batchGetByUser.Info(), remark.Info(),
		getCorpTagList.Info(), addCorpTag.Info(), editCorpTag.Info(), delCorpTag.Info(), markTag.Info(),
	}
	out = append(out, wayEndpoints()...)
	return append(out, opsEndpoints()...)
}

type followUsersAnswer struct {
	FollowUser []string `json:"follow_user"`
}

type listRequest struct {
	UserID string `json:"-" query:"userid" wecom:"required"`
}

type listAnswer struct {
	ExternalUserID []string `json:"external_userid"`
}

type getRequest struct {
	ExternalUserID string `json:"-" query:"external_userid" wecom:"required"`
	Cursor         string `json:"-" query:"cursor,omitempty"`
}

type getAnswer struct {
	ExternalContact Customer     `json:"external_contact"`
	FollowUser      []FollowUser `json:"follow_user"`
	NextCursor      string       `json:"next_cursor"`
}

type batchRequest struct {
	UserIDList []string `json:"userid_list" wecom:"required"`
	Cursor     string   `json:"cursor,omitempty"`
	Limit      int      `json:"limit,omitempty"`
}

type batchAnswer struct {
	ExternalContactList []batchRow `json:"external_contact_list"`
	NextCursor          string     `json:"next_cursor"`
	// FailInfo lists the members of the request whose customers WeCom left
	// out because they have no interface license (doc 92994).
	FailInfo struct {
		UnlicensedUserIDList []string `json:"unlicensed_userid_list"`
	} `json:"fail_info"`
}

type batchRow struct {
	ExternalContact Customer   `json:"external_contact"`
	FollowInfo      FollowUser `json:"follow_info"`
}

// batchPage is how many rows CustomersOf asks for at once (the most
// batch/get_by_user answers, doc 92994).
const batchPage = 100

type remarkRequest struct {
	UserID           string    `json:"userid" wecom:"required"`
	ExternalUserID   string    `json:"external_userid" wecom:"required"`
	Remark           *string   `json:"remark,omitempty"`
	Description      *string   `json:"description,omitempty"`
	RemarkCompany    *string   `json:"remark_company,omitempty"`
	RemarkMobiles    *[]string `json:"remark_mobiles,omitempty"`
	RemarkPicMediaID string    `json:"remark_pic_mediaid,omitempty"`
}

type tagListRequest struct {
	TagID   []string `json:"tag_id,omitempty"`
	GroupID []string `json:"group_id,omitempty"`
}

type tagListAnswer struct {
	TagGroup []TagGroup `json:"tag_group"`
}

type addTagRequest struct {
	GroupID   string   `json:"group_id,omitempty"`
	GroupName string   `json:"group_name,omitempty"`
	Order     uint32   `json:"order,omitempty"`
	Tag       []NewTag `json:"tag" wecom:"required"`
}

type addTagAnswer struct {
	TagGroup TagGroup `json:"tag_group"`
}

type editTagRequest struct {
	ID    string  `json:"id" wecom:"required"`
	Name  string  `json:"name,omitempty"`
	Order *uint32 `json:"order,omitempty"`
}

type markTagRequest struct {
	UserID         string   `json:"userid" wecom:"required"`
	ExternalUserID string   `json:"external_userid" wecom:"required"`
	AddTag         []string `json:"add_tag,omitempty"`
	RemoveTag      []string `json:"remove_tag,omitempty"`
}
