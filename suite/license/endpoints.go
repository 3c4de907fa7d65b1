package license

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The interface-license endpoints, declared once each. All take the
// provider's provider_access_token and are POSTs. Reads are Idempotent
// (repeated after a transport failure); orders and activations are not.
// Doc numbers are those of the 服务商代开发 tree (97182…) where the code
// cites it, else the third-party tree's; see docs/wecom-api-notes.md.

// Orders.
var (
	createNewOrder = &wecom.Endpoint[wecom.ProviderToken, newOrderRequest, orderIDAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/create_new_order", Doc: 97182,
		Entry: "license.Client.CreateNewOrder",
	}
	createRenewOrderJob = &wecom.Endpoint[wecom.ProviderToken, renewOrderJobRequest, RenewJob]{
		Method: http.MethodPost, Path: "/cgi-bin/license/create_renew_order_job", Doc: 97183,
		Entry: "license.Client.CreateRenewOrderJob",
	}
	submitOrderJob = &wecom.Endpoint[wecom.ProviderToken, submitOrderJobRequest, orderIDAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/submit_order_job", Doc: 97183,
		Entry: "license.Client.SubmitOrderJob",
	}
	listOrder = &wecom.Endpoint[wecom.ProviderToken, listOrderRequest, listOrderAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/list_order", Doc: 95647, Idempotent: true,
		Entry: "license.Client.Orders",
	}
	getOrder = &wecom.Endpoint[wecom.ProviderToken, orderRequest, orderAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/get_order", Doc: 97185, Idempotent: true,
		Entry: "license.Client.Order",
	}
	listOrderAccount = &wecom.Endpoint[wecom.ProviderToken, listOrderAccountRequest, listOrderAccountAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/list_order_account", Doc: 97186, Idempotent: true,
		Entry: "license.Client.OrderAccounts",
	}
	cancelOrder = &wecom.Endpoint[wecom.ProviderToken, cancelOrderRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/license/cancel_order", Doc: 96106, Idempotent: true,
		Entry: "license.Client.CancelOrder",
	}
)

// Activations and accounts.
var (
	activeAccount = &wecom.Endpoint[wecom.ProviderToken, activeAccountRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/license/active_account", Doc: 97188,
		Entry: "license.Client.Activate",
	}
	activeAccountByType = &wecom.Endpoint[wecom.ProviderToken, activeAccountByTypeRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/license/active_account_by_type", Doc: 97188,
		Entry: "license.Client.ActivateByType",
	}
	batchActiveAccount = &wecom.Endpoint[wecom.ProviderToken, batchActiveAccountRequest, batchActiveAccountAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/batch_active_account", Doc: 97188,
		Entry: "license.Client.BatchActivate",
	}
	getActiveInfoByCode = &wecom.Endpoint[wecom.ProviderToken, activeInfoByCodeRequest, activeInfoByCodeAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/get_active_info_by_code", Doc: 97189, Idempotent: true,
		Entry: "license.Client.CodeInfo",
	}
	batchGetActiveInfoByCode = &wecom.Endpoint[wecom.ProviderToken, batchActiveInfoByCodeRequest, batchActiveInfoByCodeAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/batch_get_active_info_by_code", Doc: 97189, Idempotent: true,
		Entry: "license.Client.BatchCodeInfo",
	}
	listActivedAccount = &wecom.Endpoint[wecom.ProviderToken, listActivedAccountRequest, listActivedAccountAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/list_actived_account", Doc: 97190, Idempotent: true,
		Entry: "license.Client.ActivatedAccounts, license.Client.Reconcile",
	}
	getActiveInfoByUser = &wecom.Endpoint[wecom.ProviderToken, corpUserRequest, activeInfoByUserAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/get_active_info_by_user", Doc: 97191, Idempotent: true,
		Entry: "license.Client.UserActivation",
	}
	batchTransferLicense = &wecom.Endpoint[wecom.ProviderToken, transferRequest, transferAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/batch_transfer_license", Doc: 95673,
		Entry: "license.Client.Transfer",
	}
	getAutoActiveStatus = &wecom.Endpoint[wecom.ProviderToken, corpRequest, autoActiveAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/license/get_auto_active_status", Doc: 95874, Idempotent: true,
		Entry: "license.Client.AutoActive",
	}
	setAutoActiveStatus = &wecom.Endpoint[wecom.ProviderToken, setAutoActiveRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/license/set_auto_active_status", Doc: 95873, Idempotent: true,
		Entry: "license.Client.SetAutoActive",
	}
	getAppLicenseInfo = &wecom.Endpoint[wecom.ProviderToken, appLicenseInfoRequest, AppLicenseInfo]{
		Method: http.MethodPost, Path: "/cgi-bin/license/get_app_license_info", Doc: 95844, Idempotent: true,
		Entry: "license.Client.AppLicenseInfo",
	}
)

// Endpoints describes the WeCom endpoints this package calls, for coverage reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		createNewOrder.Info(),
		createRenewOrderJob.Info(),
		submitOrderJob.Info(),
		listOrder.Info(),
		getOrder.Info(),
		listOrderAccount.Info(),
		cancelOrder.Info(),
		activeAccount.Info(),
		activeAccountByType.Info(),
		batchActiveAccount.Info(),
		getActiveInfoByCode.Info(),
		batchGetActiveInfoByCode.Info(),
		listActivedAccount.Info(),
		getActiveInfoByUser.Info(),
		batchTransferLicense.Info(),
		getAutoActiveStatus.Info(),
		setAutoActiveStatus.Info(),
		getAppLicenseInfo.Info(),
	}
}

// Requests and answers.

type corpRequest struct {
	CorpID string `json:"corpid" wecom:"required"`
}

type corpUserRequest struct {
	CorpID string `json:"corpid" wecom:"required"`
	UserID string `json:"userid" wecom:"required"`
}

type newOrderRequest struct {
	CorpID          string       `json:"corpid" wecom:"required"`
	BuyerUserID     string       `json:"buyer_userid" wecom:"required"`
	AccountCount    AccountCount `json:"account_count"`
	AccountDuration Duration     `json:"account_duration"`
}

type orderIDAnswer struct {
	OrderID string `json:"order_id"`
}

type renewOrderJobRequest struct {
	CorpID      string         `json:"corpid" wecom:"required"`
	AccountList []RenewAccount `json:"account_list" wecom:"required"`
	JobID       string         `json:"jobid,omitempty"`
}

type submitOrderJobRequest struct {
	JobID           string   `json:"jobid" wecom:"required"`
	BuyerUserID     string   `json:"buyer_userid" wecom:"required"`
	AccountDuration Duration `json:"account_duration"`
}

type listOrderRequest struct {
	CorpID    string `json:"corpid,omitempty"`
	StartTime int64  `json:"start_time,omitempty"`
	EndTime   int64  `json:"end_time,omitempty"`
	Limit     int    `json:"limit,omitempty"`
	Cursor    string `json:"cursor"`
}

type listOrderAnswer struct {
	page
	OrderList []OrderSummary `json:"order_list"`
}

type orderRequest struct {
	OrderID string `json:"order_id" wecom:"required"`
}

type orderAnswer struct {
	Order Order `json:"order"`
}

type listOrderAccountRequest struct {
	OrderID string `json:"order_id" wecom:"required"`
	Cursor  string `json:"cursor"`
	Limit   int    `json:"limit,omitempty"`
}

type listOrderAccountAnswer struct {
	page
	AccountList []OrderAccount `json:"account_list"`
}

type cancelOrderRequest struct {
	OrderID string `json:"order_id" wecom:"required"`
	CorpID  string `json:"corpid,omitempty"`
}

type activeAccountRequest struct {
	ActiveCode string `json:"active_code" wecom:"required,secret"`
	CorpID     string `json:"corpid" wecom:"required"`
	UserID     string `json:"userid" wecom:"required"`
}

type activeAccountByTypeRequest struct {
	Type   AccountType `json:"type" wecom:"required"`
	CorpID string      `json:"corpid" wecom:"required"`
	UserID string      `json:"userid" wecom:"required"`
}

// batchActiveAccountRequest's codes are nested: they are passed as
// wecom.WithCallSecrets.
type batchActiveAccountRequest struct {
	CorpID     string       `json:"corpid" wecom:"required"`
	ActiveList []activeItem `json:"active_list" wecom:"required"`
}

type activeItem struct {
	ActiveCode string `json:"active_code"`
	UserID     string `json:"userid"`
}

type batchActiveAccountAnswer struct {
	ActiveResult []ActivationResult `json:"active_result"`
}

type activeInfoByCodeRequest struct {
	CorpID     string `json:"corpid" wecom:"required"`
	ActiveCode string `json:"active_code" wecom:"required,secret"`
}

type activeInfoByCodeAnswer struct {
	ActiveInfo CodeInfo `json:"active_info"`
}

// batchActiveInfoByCodeRequest's codes are a list: they are passed as
// wecom.WithCallSecrets.
type batchActiveInfoByCodeRequest struct {
	CorpID         string   `json:"corpid" wecom:"required"`
	ActiveCodeList []string `json:"active_code_list" wecom:"required"`
}

type batchActiveInfoByCodeAnswer struct {
	ActiveInfoList        []CodeInfo     `json:"active_info_list"`
	InvalidActiveCodeList []wecom.Secret `json:"invalid_active_code_list"`
}

type listActivedAccountRequest struct {
	CorpID string `json:"corpid" wecom:"required"`
	Cursor string `json:"cursor"`
	Limit  int    `json:"limit,omitempty"`
}

type listActivedAccountAnswer struct {
	page
	AccountList []Account `json:"account_list"`
}

type activeInfoByUserAnswer struct {
	ActiveStatus   int           `json:"active_status"`
	ActiveInfoList []UserAccount `json:"active_info_list"`
}

type transferRequest struct {
	CorpID       string     `json:"corpid" wecom:"required"`
	TransferList []Transfer `json:"transfer_list" wecom:"required"`
}

type transferAnswer struct {
	TransferResult []TransferResult `json:"transfer_result"`
}

type autoActiveAnswer struct {
	AutoActiveStatus int `json:"auto_active_status"`
}

type setAutoActiveRequest struct {
	CorpID           string `json:"corpid" wecom:"required"`
	AutoActiveStatus int    `json:"auto_active_status"`
}

type appLicenseInfoRequest struct {
	CorpID  string `json:"corpid" wecom:"required"`
	SuiteID string `json:"suite_id" wecom:"required"`
}
