// Package checkin is WeCom's check-in (打卡): rules, records, day and month
// reports, schedules.
package checkin
