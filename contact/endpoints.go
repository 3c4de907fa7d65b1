package contact

import (
	"encoding/json"
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The WeCom endpoints this package calls, one declaration each. user/get
// is the module's only declaration of that path: package oauth reads
// members through [Client.UserInto].

var departmentSimpleList = &wecom.Endpoint[wecom.CorpToken, departmentTreeRequest, departmentSimpleListResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/department/simplelist", Doc: 95350,
	Entry: "contact.Client.DepartmentIDs, contact.Client.UsersOfDepartment, contact.Source.Fetch",
}

var departmentList = &wecom.Endpoint[wecom.CorpToken, departmentTreeRequest, departmentListResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/department/list", Doc: 90208,
	Entry: "contact.Client.Departments, contact.Source.Fetch",
}

var departmentGet = &wecom.Endpoint[wecom.CorpToken, departmentGetRequest, departmentGetResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/department/get", Doc: 95351,
	Entry: "contact.Client.Department",
}

var userGet = &wecom.Endpoint[wecom.CorpToken, userGetRequest, userAnswer]{
	Method: http.MethodGet, Path: "/cgi-bin/user/get", Doc: 90196,
	Entry: "contact.Client.User, contact.Client.UserInto, oauth.Client.User, oauth.Client.Identify",
}

var userList = &wecom.Endpoint[wecom.CorpToken, userListRequest, userListResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/user/list", Doc: 90201,
	Entry: "contact.Client.UsersOfDepartment, contact.Source.Fetch",
}

var userListID = &wecom.Endpoint[wecom.CorpToken, *userListIDRequest, userListIDResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/user/list_id", Doc: 96067, Idempotent: true,
	Entry: "contact.Client.UserIDs, contact.Source.Fetch",
}

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return append([]wecom.EndpointInfo{
		departmentSimpleList.Info(),
		departmentList.Info(),
		departmentGet.Info(),
		userGet.Info(),
		userList.Info(),
		userListID.Info(),
		// write.go
		userCreate.Info(),
		userUpdate.Info(),
		userDelete.Info(),
		userBatchDelete.Info(),
		userGetUserID.Info(),
		userGetUserIDByEmail.Info(),
		userConvertToOpenID.Info(),
		userConvertToUserID.Info(),
		departmentCreate.Info(),
		departmentUpdate.Info(),
		departmentDelete.Info(),
		// tags.go
		tagCreate.Info(),
		tagUpdate.Info(),
		tagDelete.Info(),
		tagGet.Info(),
		tagAddUsers.Info(),
		tagDelUsers.Info(),
		tagList.Info(),
	}, append(batchEndpoints(), linkedEndpoints()...)...)
}

// departmentTreeRequest asks for department ID and everything below it;
// ID 0 leaves the id out: every department the credential sees.
type departmentTreeRequest struct {
	ID int64 `json:"-" query:"id,omitempty"`
}

type departmentSimpleListResponse struct {
	Departments []DepartmentNode `json:"department_id"`
}

type departmentListResponse struct {
	Departments []wireDepartment `json:"department"`
}

type departmentGetRequest struct {
	ID int64 `json:"-" query:"id" wecom:"required"`
}

type departmentGetResponse struct {
	Department wireDepartment `json:"department"`
}

type userGetRequest struct {
	UserID string `json:"-" query:"userid" wecom:"required"`
}

// userAnswer is user/get's answer, decoded into into: a *wireUser for
// [Client.User], the caller's own type for [Client.UserInto].
type userAnswer struct{ into any }

func (a *userAnswer) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, a.into) }

type userListRequest struct {
	DepartmentID int64 `json:"-" query:"department_id" wecom:"required"`
}

type userListResponse struct {
	Users []wireUser `json:"userlist"`
}

type userListIDRequest struct {
	Cursor string `json:"cursor,omitempty"`
	Limit  int    `json:"limit"`
}

type userListIDResponse struct {
	NextCursor string     `json:"next_cursor"`
	Rows       []DeptUser `json:"dept_user"`
}
