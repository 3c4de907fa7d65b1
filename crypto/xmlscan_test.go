package crypto

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// field is one visited field, for comparisons.
type field struct {
	Name, Value string
	Nested      bool
}

func collect(walk func([]byte, fieldVisitor) error, data []byte) ([]field, error) {
	var fs []field
	err := walk(data, func(name, value []byte, nested bool) error {
		fs = append(fs, field{string(name), string(value), nested})
		return nil
	})
	return fs, err
}

func walkSimpleOnly(data []byte, visit fieldVisitor) error {
	ok, err := walkSimple(data, visit)
	if err == nil && !ok {
		return errNotSimple
	}
	return err
}

var errNotSimple = fmt.Errorf("not simple")

// checkFastMatchesSlow asserts the fast scanner's contract on data: if it
// accepts data, encoding/xml accepts it too and reports the same fields.
func checkFastMatchesSlow(t testing.TB, data []byte) {
	t.Helper()
	fast, err := collect(walkSimpleOnly, data)
	if err != nil {
		return // the fast path declined; encoding/xml decides alone
	}
	slow, err := collect(walkXML, data)
	if err != nil {
		t.Fatalf("fast path accepted what encoding/xml rejects (%v): %q", err, data)
	}
	if fmt.Sprint(fast) != fmt.Sprint(slow) {
		t.Fatalf("fast and slow paths differ on %q:\nfast %+v\nslow %+v", data, fast, slow)
	}
}

func TestFieldValueRule(t *testing.T) {
	tests := []struct{ content, want string }{
		{"", ""},
		{"abc", "abc"},
		{"  abc  ", "abc"},
		{"\n\tabc def\n", "abc def"},
		{"<![CDATA[abc]]>", "abc"},
		{" <![CDATA[suite_ticket]]>", "suite_ticket"}, // the official suite_ticket sample
		{"\n  <![CDATA[ spaced ]]>\n", " spaced "},
		{"<![CDATA[ ]]>", " "},
		{"<![CDATA[]]>", ""},
		{"<![CDATA[a]]><![CDATA[b]]>", "ab"},
		{"<![CDATA[a]]> <![CDATA[b]]>", "a b"},
		{" x <![CDATA[ y ]]> z ", "x  y  z"},
		{"<![CDATA[x]]]]><![CDATA[>y]]>", "x]]>y"},
		{"a&amp;b&lt;&gt;&quot;&apos;&#20013;", "a&b<>\"'中"},
		{"<![CDATA[&amp;]]>", "&amp;"},
		{"<![CDATA[中文 内容]]>", "中文 内容"},
		{"line1\r\nline2", "line1\nline2"},
		{"<![CDATA[a\r\nb]]>", "a\nb"},
		{"a<!-- c -->b", "ab"},
	}
	for _, tc := range tests {
		doc := []byte("<xml><F>" + tc.content + "</F></xml>")
		fs, err := collect(walkFields, doc)
		require.NoError(t, err, tc.content)
		require.Equal(t, []field{{"F", tc.want, false}}, fs, tc.content)
		slow, err := collect(walkXML, doc)
		require.NoError(t, err)
		require.Equal(t, fs, slow, tc.content)
		checkFastMatchesSlow(t, doc)
	}
}

func TestWalkFieldsNested(t *testing.T) {
	doc := "<xml><A>1</A><B><C>2</C>text<D><E>3</E></D></B><F/><G></G></xml>"
	fs, err := collect(walkFields, []byte(doc))
	require.NoError(t, err)
	require.Equal(t, []field{
		{"A", "1", false},
		{"B", "text", true},
		{"F", "", false},
		{"G", "", false},
	}, fs)
}

func TestWalkFieldsDepthLimit(t *testing.T) {
	ok := "<xml>" + strings.Repeat("<a>", maxDepth-1) + strings.Repeat("</a>", maxDepth-1) + "</xml>"
	_, err := collect(walkFields, []byte(ok))
	require.NoError(t, err)
	tooDeep := "<xml>" + strings.Repeat("<a>", maxDepth) + strings.Repeat("</a>", maxDepth) + "</xml>"
	_, err = collect(walkFields, []byte(tooDeep))
	requireCode(t, err, ErrParseXML)
}

func TestWalkFieldsVisitorError(t *testing.T) {
	stop := fmt.Errorf("stop")
	for _, doc := range []string{"<xml><A>1</A><B>2</B></xml>", "<?xml version=\"1.0\"?><xml><A>1</A><B>2</B></xml>"} {
		n := 0
		err := walkFields([]byte(doc), func(name, _ []byte, _ bool) error {
			n++
			if string(name) == "A" {
				return stop
			}
			return nil
		})
		require.Equal(t, stop, err)
		require.Equal(t, 1, n)
	}
}

func TestFastMatchesSlowCorpus(t *testing.T) {
	// Hand-picked edge cases for the differential check; the fuzz targets
	// explore further from the same starting corpus.
	for _, doc := range fastSlowDocs() {
		checkFastMatchesSlow(t, []byte(doc))
	}
}

// fastSlowDocs are documents near the edge of the fast path.
func fastSlowDocs() []string {
	return []string{
		vecBody, vecPlain, suiteTicketSample,
		"<xml></xml>", "<xml/>", " <xml> </xml> ", "<a><b>x</b></a>",
		"<xml><A>]]></A></xml>", "<xml><A>a]b</A></xml>", "<xml><A>a>b</A></xml>",
		"<xml><A><![CDATA[]]]></A></xml>", "<xml><A><![CDATA[]]></A></xml>",
		"<xml><A><![CDATA[x]]>y</A></xml>", "<xml><A>y<![CDATA[x]]></A></xml>",
		"<xml><A>\x7f</A></xml>", "<xml><A><![CDATA[\x7f\t\n]]></A></xml>",
		"<xml><A><![CDATA[\xef\xbf\xbe]]></A></xml>", "<xml><A><![CDATA[\xef\xbf\xbd]]></A></xml>",
		"<xml><A><![CDATA[\xed\xa0\x80]]></A></xml>", "<xml><A><![CDATA[\xf4\x90\x80\x80]]></A></xml>",
		"<xml><A><![CDATA[\U0010FFFF]]></A></xml>", "<xml><A><![CDATA[\r]]></A></xml>",
		"<xml><A>x</a></xml>", "<xml><A>x</A></XML>", "<xml><A>x</A></xml>x", "<xml><A>x</A></xml><b/>",
		"<xml><_a.b-c>1</_a.b-c></xml>", "<xml><a1>1</a1></xml>", "<xml><1a>1</1a></xml>",
		"<xml><A>x</A ></xml>", "<xml><A\n>x</A></xml>", "<xml>\r\n<A>x</A>\r\n</xml>\r\n",
		"<xml><A>1</A><A>2</A></xml>", "<xml>\t<A>\t</A>\t</xml>",
	}
}

func TestWalkFieldsMany(t *testing.T) {
	// More fields than the fast path buffers: encoding/xml takes over and
	// every field is still visited exactly once, in order.
	for _, n := range []int{maxSimpleFields, maxSimpleFields + 1, 500} {
		var b strings.Builder
		b.WriteString("<xml>")
		var want []field
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "<F%d>%d</F%d>", i, i, i)
			want = append(want, field{fmt.Sprintf("F%d", i), fmt.Sprint(i), false})
		}
		b.WriteString("</xml>")
		got, err := collect(walkFields, []byte(b.String()))
		require.NoError(t, err)
		require.Equal(t, want, got)
		fast, _ := walkSimple([]byte(b.String()), func(_, _ []byte, _ bool) error { return nil })
		require.Equal(t, n <= maxSimpleFields, fast)
	}
}
