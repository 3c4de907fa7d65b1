package wecom

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// loadOfficial refuses a table a careless edit broke, and takes WeCom's
// 错误说明 alone as the meaning of a code without an English gloss.
func TestLoadOfficial(t *testing.T) {
	table := map[int]CodeInfo{40001: {Code: 40001, Meaning: "ours", Advice: "our advice"}}
	tsv := "# a comment\n" +
		"40001\t不合法的secret参数\t检查secret\tinvalid secret\n" +
		"86001\t参数 chatid 不合法\t\t\n" +
		"95001\t发送客服消息次数限制\t企业最多可发送5条消息给用户\tcustomer service message count limit\n"
	require.NoError(t, loadOfficial(table, tsv))
	require.Equal(t, CodeInfo{Code: 40001, Meaning: "ours", Advice: "our advice", Official: "不合法的secret参数", Hint: "检查secret"}, table[40001])
	require.Equal(t, CodeInfo{Code: 86001, Meaning: "参数 chatid 不合法", Official: "参数 chatid 不合法"}, table[86001])
	require.Equal(t, "customer service message count limit (发送客服消息次数限制)", table[95001].Meaning)
	require.Equal(t, "企业最多可发送5条消息给用户", table[95001].Advice)

	for name, bad := range map[string]string{
		"three fields":   "40001\t不合法的secret参数\t检查secret\n",
		"tab in a field": "40001\t不合法的\tsecret参数\t检查secret\tinvalid secret\n",
		"not a number":   "4000l\t不合法的secret参数\t\tinvalid secret\n",
		"repeated":       "40001\ta\t\tx\n40001\tb\t\ty\n",
		"descending":     "40003\ta\t\tx\n40001\tb\t\ty\n",
		"no 错误说明":        "40001\t\t检查secret\tinvalid secret\n",
	} {
		require.Error(t, loadOfficial(map[int]CodeInfo{}, bad), name)
	}
}

// Every program importing wecom parses the embedded table at start.
func BenchmarkLoadOfficial(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		table := make(map[int]CodeInfo, 1300)
		if err := loadOfficial(table, officialTSV); err != nil {
			b.Fatal(err)
		}
	}
}
