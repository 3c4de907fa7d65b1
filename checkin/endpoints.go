package checkin

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The endpoints, each declared once. All take a corporation's
// access_token (see [Client]).
var (
	getCheckinOption = &wecom.Endpoint[wecom.CorpToken, *optionRequest, optionAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/checkin/getcheckinoption", Doc: 90263, Idempotent: true,
		Entry: "checkin.Client.Rules",
	}
	getCorpCheckinOption = &wecom.Endpoint[wecom.CorpToken, struct{}, corpOptionAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/checkin/getcorpcheckinoption", Doc: 93384, Idempotent: true,
		Entry: "checkin.Client.CorpRules",
	}
	getCheckinData = &wecom.Endpoint[wecom.CorpToken, *dataRequest, dataAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/checkin/getcheckindata", Doc: 90262, Idempotent: true,
		Entry: "checkin.Client.Records",
	}
	getDayData = &wecom.Endpoint[wecom.CorpToken, *reportRequest, dayAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/checkin/getcheckin_daydata", Doc: 93374, Idempotent: true,
		Entry: "checkin.Client.DayReports",
	}
	getMonthData = &wecom.Endpoint[wecom.CorpToken, *reportRequest, monthAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/checkin/getcheckin_monthdata", Doc: 93387, Idempotent: true,
		Entry: "checkin.Client.MonthReports",
	}
	getScheduleList = &wecom.Endpoint[wecom.CorpToken, *reportRequest, scheduleAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/checkin/getcheckinschedulist", Doc: 93380, Idempotent: true,
		Entry: "checkin.Client.Schedules",
	}
	setScheduleList = &wecom.Endpoint[wecom.CorpToken, *setScheduleRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/checkin/setcheckinschedulist", Doc: 93385, Idempotent: true,
		Entry: "checkin.Client.SetSchedules",
	}
	addUserFace = &wecom.Endpoint[wecom.CorpToken, *faceRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/checkin/addcheckinuserface", Doc: 93378, Idempotent: true,
		Entry: "checkin.Client.AddFace",
	}
	addCheckinRecord = &wecom.Endpoint[wecom.CorpToken, *addRecordRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/checkin/add_checkin_record", Doc: 99647,
		Entry: "checkin.Client.AddRecords",
	}
)

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		getCheckinOption.Info(), getCorpCheckinOption.Info(), getCheckinData.Info(), getDayData.Info(),
		getMonthData.Info(), getScheduleList.Info(), setScheduleList.Info(), addUserFace.Info(), addCheckinRecord.Info(),
	}
}

type optionRequest struct {
	DateTime   int64    `json:"datetime"`
	UserIDList []string `json:"useridlist" wecom:"required"`
}

type optionAnswer struct {
	Info []UserRule `json:"info"`
}

type corpOptionAnswer struct {
	Group []Rule `json:"group"`
}

type dataRequest struct {
	Type       int      `json:"opencheckindatatype"`
	StartTime  int64    `json:"starttime"`
	EndTime    int64    `json:"endtime"`
	UserIDList []string `json:"useridlist" wecom:"required"`
}

type dataAnswer struct {
	CheckinData []Record `json:"checkindata"`
}

type reportRequest struct {
	StartTime  int64    `json:"starttime"`
	EndTime    int64    `json:"endtime"`
	UserIDList []string `json:"useridlist" wecom:"required"`
}

type dayAnswer struct {
	Datas []DayReport `json:"datas"`
}

type monthAnswer struct {
	Datas []MonthReport `json:"datas"`
}

type scheduleAnswer struct {
	ScheduleList []UserSchedule `json:"schedule_list"`
}

type setScheduleRequest struct {
	GroupID   int64          `json:"groupid"`
	Items     []ScheduleItem `json:"items" wecom:"required"`
	YearMonth int            `json:"yearmonth"`
}

type faceRequest struct {
	UserID   string `json:"userid" wecom:"required"`
	UserFace string `json:"userface" wecom:"required"`
}

type addRecordRequest struct {
	Records []NewRecord `json:"records" wecom:"required"`
}
