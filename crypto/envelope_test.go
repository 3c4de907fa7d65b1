package crypto

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEnvelopeForms(t *testing.T) {
	// Every valid form must yield the vector's plaintext. fast reports
	// whether the form is one the scanner handles without encoding/xml.
	tests := []struct {
		name string
		body string
		fast bool
	}{
		{"official", vecBody, true},
		{"plain character data", "<xml><ToUserName>wx5823bf96d3bd56c7</ToUserName><Encrypt>" + vecEncrypt + "</Encrypt><AgentID>218</AgentID></xml>", true},
		{"Encrypt first", "<xml><Encrypt><![CDATA[" + vecEncrypt + "]]></Encrypt><AgentID>218</AgentID><ToUserName><![CDATA[x]]></ToUserName></xml>", true},
		{"only Encrypt", "<xml><Encrypt><![CDATA[" + vecEncrypt + "]]></Encrypt></xml>", true},
		{"newlines and indentation", "<xml>\n  <ToUserName><![CDATA[x]]></ToUserName>\n\t<Encrypt>\n    <![CDATA[" + vecEncrypt + "]]>\n  </Encrypt>\n  <AgentID>218</AgentID>\n</xml>\n", true},
		{"plain text with surrounding whitespace", "<xml><Encrypt>\n  " + vecEncrypt + "\n</Encrypt></xml>", true},
		{"XML declaration", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + vecBody, false},
		{"XML declaration, lower-case encoding", `<?xml version="1.0" encoding="utf-8" standalone="yes"?>` + vecBody, false},
		{"byte order mark", "\xEF\xBB\xBF" + vecBody, true},
		{"CRLF line ends", strings.ReplaceAll("<xml>\n<Encrypt><![CDATA["+vecEncrypt+"]]></Encrypt>\n</xml>\n", "\n", "\r\n"), true},
		{"CRLF inside the element", "<xml><Encrypt>\r\n<![CDATA[" + vecEncrypt + "]]>\r\n</Encrypt></xml>", true},
		{"comments", "<!-- pushed --><xml><!-- a --><Encrypt><!-- b --><![CDATA[" + vecEncrypt + "]]><!-- c --></Encrypt></xml><!-- d -->", false},
		{"attributes", `<xml a="1"><Encrypt type="base64"><![CDATA[` + vecEncrypt + `]]></Encrypt></xml>`, false},
		{"space in tags", "<xml ><Encrypt\n><![CDATA[" + vecEncrypt + "]]></Encrypt ></xml >", false},
		{"another root name", "<root><Encrypt>" + vecEncrypt + "</Encrypt></root>", true},
		{"namespace", `<xml xmlns="urn:x" xmlns:w="urn:w"><w:Encrypt>` + vecEncrypt + `</w:Encrypt></xml>`, false},
		{"character references", "<xml><Encrypt>" + strings.ReplaceAll(strings.ReplaceAll(vecEncrypt, "+", "&#43;"), "/", "&#x2F;") + "</Encrypt></xml>", false},
		{"split CDATA", "<xml><Encrypt><![CDATA[" + vecEncrypt[:100] + "]]><![CDATA[" + vecEncrypt[100:] + "]]></Encrypt></xml>", false},
		{"CDATA and text mixed", "<xml><Encrypt>" + vecEncrypt[:100] + "<![CDATA[" + vecEncrypt[100:] + "]]></Encrypt></xml>", false},
		{"self-closing siblings", "<xml><AgentID/><Encrypt>" + vecEncrypt + "</Encrypt><ToUserName/></xml>", false},
		{"nested siblings", "<xml><Extra><A>1</A><B/></Extra><Encrypt>" + vecEncrypt + "</Encrypt></xml>", false},
		{"doctype", "<!DOCTYPE xml><xml><Encrypt>" + vecEncrypt + "</Encrypt></xml>", false},
		{"processing instruction inside", "<xml><?pi data?><Encrypt>" + vecEncrypt + "</Encrypt></xml>", false},
		{"duplicate Encrypt, the later wins", "<xml><Encrypt>AAAA</Encrypt><Encrypt>" + vecEncrypt + "</Encrypt></xml>", true},
	}
	c := newVecCrypt(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.DecryptMsg(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(tc.body))
			require.NoError(t, err)
			require.Equal(t, vecPlain, string(got))

			fast, err := walkSimple([]byte(strings.TrimPrefix(tc.body, "\xEF\xBB\xBF")), func(_, _ []byte, _ bool) error { return nil })
			require.NoError(t, err)
			require.Equal(t, tc.fast, fast, "fast path")
		})
	}
}

func TestEnvelopeJSON(t *testing.T) {
	c := newVecCrypt(t)
	for _, body := range []string{
		`{"tousername":"wx5823bf96d3bd56c7","encrypt":"` + vecEncrypt + `","agentid":"218"}`,
		`{"encrypt":"` + vecEncrypt + `","agentid":218}`,
		"\n {\n  \"encrypt\": \"" + vecEncrypt + "\"\n}\n",
		"\xEF\xBB\xBF" + `{"Encrypt":"` + vecEncrypt + `"}`,
		`{"encrypt":"` + strings.ReplaceAll(vecEncrypt, "/", `\/`) + `"}`,
	} {
		got, rid, isJSON, err := c.decryptMsg(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(body))
		require.NoError(t, err, body)
		require.True(t, isJSON)
		require.Equal(t, vecPlain, string(got))
		require.Equal(t, vecReceiveID, string(rid))
	}
}

func TestEnvelopeErrors(t *testing.T) {
	c := newVecCrypt(t)
	deep := strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000)
	tests := map[string]string{
		"empty":                  "",
		"whitespace":             " \n ",
		"not XML":                "hello",
		"no Encrypt":             "<xml><ToUserName>x</ToUserName><AgentID>1</AgentID></xml>",
		"empty Encrypt":          "<xml><Encrypt></Encrypt></xml>",
		"blank Encrypt":          "<xml><Encrypt> <![CDATA[]]> </Encrypt></xml>",
		"Encrypt only nested":    "<xml><Item><Encrypt>" + vecEncrypt + "</Encrypt></Item></xml>",
		"Encrypt with children":  "<xml><Encrypt><![CDATA[" + vecEncrypt + "]]><x/></Encrypt></xml>",
		"unclosed":               "<xml><Encrypt>" + vecEncrypt + "</Encrypt>",
		"truncated":              vecBody[:len(vecBody)/2],
		"mismatched tags":        "<xml><Encrypt>" + vecEncrypt + "</Encrypted></xml>",
		"two roots":              vecBody + vecBody,
		"text after root":        vecBody + "junk",
		"unknown entity":         "<xml><Encrypt>&foo;" + vecEncrypt + "</Encrypt></xml>",
		"external entity":        `<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>`,
		"invalid UTF-8":          "<xml><Encrypt><![CDATA[\xff" + vecEncrypt + "]]></Encrypt></xml>",
		"control character":      "<xml><Encrypt>\x01" + vecEncrypt + "</Encrypt></xml>",
		"non-UTF-8 declaration":  `<?xml version="1.0" encoding="GBK"?>` + vecBody,
		"deeply nested":          "<xml>" + deep + "<Encrypt>" + vecEncrypt + "</Encrypt></xml>",
		"deep inside Encrypt":    "<xml><Encrypt>" + deep + "</Encrypt></xml>",
		"JSON without encrypt":   `{"tousername":"x"}`,
		"JSON with empty":        `{"encrypt":""}`,
		"JSON encrypt not text":  `{"encrypt":123}`,
		"JSON malformed":         `{"encrypt":"` + vecEncrypt,
		"JSON array":             `[{"encrypt":"` + vecEncrypt + `"}]`,
		"JSON trailing garbage":  `{"encrypt":"` + vecEncrypt + `"} x`,
		"JSON deeply nested":     `{"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `,"encrypt":"` + vecEncrypt + `"}`,
		"huge text outside root": strings.Repeat("x", 2<<20),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := c.DecryptMsg(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(body))
			requireCode(t, err, ErrParseXML)
			require.Nil(t, got)
		})
	}
}

func TestEnvelopeHuge(t *testing.T) {
	// A well-formed but huge envelope costs linear work and fails on the
	// signature.
	c := newVecCrypt(t)
	body := "<xml><Encrypt>" + strings.Repeat("QUJD", 1<<20) + "</Encrypt>" + strings.Repeat("<Pad>x</Pad>\n", 50000) + "</xml>"
	_, err := c.DecryptMsg(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(body))
	requireCode(t, err, ErrInvalidSignature)
}
