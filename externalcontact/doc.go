// Package externalcontact is customer contact (客户联系): the members who
// may have customers, their customers, a customer's details with every
// member following them, and the corporation's customer tags (企业客户标签).
//
//	ec := externalcontact.New(client)
//	ids, err := ec.Customers(ctx, "zhangsan")
//	for d, err := range ec.CustomersOf(ctx, []string{"zhangsan", "lisi"}) {
//		// one row per (customer, member) pair, paged 100 at a time
//	}
//
// The endpoints (https://developer.work.weixin.qq.com/document/path/92571,
// 92113, 92114, 92994, 92115, 92117, 92118) take a corporation's
// access_token from an app configured for customer contact (「客户联系
// 可调用接口的应用」); since 2023-12-01 WeCom no longer takes the system
// app's secret for them.
package externalcontact
