// Package checkin is WeCom's check-in (打卡): rules, records, day and month
// reports, schedules, and records and faces added from elsewhere.
//
//	chk := checkin.New(client)
//	records, err := chk.Records(ctx, checkin.RecordQuery{
//		Start: time.Date(2025, 3, 1, 0, 0, 0, 0, checkin.Zone),
//		End:   time.Date(2025, 3, 31, 23, 59, 59, 0, checkin.Zone),
//		UserIDs: members, // any number
//	})
//	for _, r := range records {
//		fmt.Println(r.UserID, r.Time(), r.CheckinType, r.ExceptionType)
//	}
//
// WeCom answers at most 30 days and 100 members a call
// (checkin/getcheckindata); [Client.Records] splits larger requests into
// windows and runs of members and merges the answers in time order. The
// other reads take 100 members a call and are split the same way.
// Days are counted in UTC+8 ([Zone]).
//
// The calls take a corporation's access_token of a self-built app put in
// 「打卡 - 可调用接口的应用」 or of an app with the 打卡 permission (docs
// https://developer.work.weixin.qq.com/document/path/90262, 90263, 93384,
// 93374, 93387, 93380, 93385, 93378, 99647).
package checkin
