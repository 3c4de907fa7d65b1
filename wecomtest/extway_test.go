package wecomtest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Every endpoint of contact ways, customer groups, join ways, welcome
// messages and customer acquisition has a stateful model.
func TestExtWayModelled(t *testing.T) {
	srv := wecomtest.NewServer()
	defer srv.Close()
	n := 0
	for _, e := range externalcontact.Endpoints() {
		p := strings.TrimPrefix(e.Path, "/cgi-bin/externalcontact/")
		if strings.Contains(p, "contact_way") || strings.HasSuffix(p, "temp_chat") || (strings.HasPrefix(p, "groupchat/") && !strings.HasSuffix(p, "transfer")) ||
			strings.HasPrefix(p, "opengid") || strings.Contains(p, "welcome") || strings.HasPrefix(p, "customer_acquisition") {
			require.Equal(t, wecomtest.ModelStateful, srv.Model(e.Path), e.Path)
			n++
		}
	}
	require.Equal(t, 28, n)
}
