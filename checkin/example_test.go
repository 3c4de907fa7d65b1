package checkin_test

import (
	"context"
	"fmt"
	"time"

	"github.com/wecomkit/wecomkit/checkin"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// A month of check-ins, and its totals. Real code leaves out WithBaseURL
// and the fake.
func ExampleClient_Records() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.SetCheckinRules("ww-corp", []checkin.Rule{{Type: checkin.RuleFixed, ID: 1, Name: "办公室",
		CheckinDate: []checkin.CheckinDate{{Workdays: []int{1, 2, 3, 4, 5},
			CheckinTime: []checkin.CheckinTime{{WorkSec: 9 * 3600, OffWorkSec: 18 * 3600}}}},
		Range: &checkin.Range{UserIDs: []string{"zhangsan"}}}})
	march := time.Date(2025, 3, 1, 0, 0, 0, 0, checkin.Zone)
	for _, d := range []int{3, 4} { // Monday and Tuesday
		day := march.AddDate(0, 0, d-1)
		srv.AddCheckinRecord("ww-corp", checkin.Record{UserID: "zhangsan", CheckinTime: day.Add(8*time.Hour + 50*time.Minute).Unix()})
		srv.AddCheckinRecord("ww-corp", checkin.Record{UserID: "zhangsan", CheckinTime: day.Add(18*time.Hour + 10*time.Minute).Unix()})
	}
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	chk := checkin.New(client)
	ctx := context.Background()

	end := march.AddDate(0, 1, 0).Add(-time.Second)
	records, err := chk.Records(ctx, checkin.RecordQuery{Start: march, End: end, UserIDs: []string{"zhangsan"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range records {
		fmt.Println(r.Time().In(checkin.Zone).Format("01-02 15:04"), r.CheckinType)
	}
	months, err := chk.MonthReports(ctx, march, end, []string{"zhangsan"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("working days:", months[0].Summary.WorkDays, "regular:", months[0].Summary.RegularDays)
	// Output:
	// 03-03 08:50 上班打卡
	// 03-03 18:10 下班打卡
	// 03-04 08:50 上班打卡
	// 03-04 18:10 下班打卡
	// working days: 21 regular: 2
}
