package license_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/suite/license"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Ordering accounts for a customer, paying (in the admin console; here the
// fake WeCom stands in), and activating one for a member; then the report
// of who is licensed.
func Example() {
	fake := wecomtest.NewServer(wecomtest.WithProvider("wwprovider000001", "provider-secret"))
	defer fake.Close()
	p, err := suite.NewProvider("wwprovider000001", "provider-secret", suite.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	lic, err := license.New(p)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	const customer = "wwcustomercorp01"

	orderID, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: customer, BuyerUserID: "sales",
		Accounts: license.AccountCount{Base: 2}, Duration: license.Duration{Months: 12}})
	if err != nil {
		log.Fatal(err)
	}
	if err := fake.PayOrder(ctx, orderID); err != nil { // WeCom then pushes license_pay_success
		log.Fatal(err)
	}
	o, err := lic.Order(ctx, orderID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Status == license.OrderPaid, o.Accounts.Base)

	var codes []wecom.Secret
	for a, err := range lic.OrderAccounts(ctx, orderID, 0) {
		if err != nil {
			log.Fatal(err)
		}
		codes = append(codes, a.Code)
	}
	fmt.Println(len(codes), codes[0]) // codes are credentials: they print redacted

	if err := lic.Activate(ctx, customer, codes[0], "zhangsan"); err != nil {
		log.Fatal(err)
	}
	who, err := lic.UserActivation(ctx, customer, "zhangsan")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(who.Active)

	r, err := lic.Reconcile(ctx, customer, []string{"zhangsan", "lisi"}, 30*24*time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("active", len(r.Active), r.Active[0].UserID, "expiring", len(r.Expiring), "missing", r.Missing)
	// Output:
	// true 2
	// 2 [redacted]
	// true
	// active 1 zhangsan expiring 0 missing [lisi]
}
