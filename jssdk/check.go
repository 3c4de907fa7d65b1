package jssdk

import (
	"strconv"
	"strings"
)

// StringToSign returns string1 of doc 90506, the text whose SHA-1 is
// [Sign]'s result:
//
//	jsapi_ticket=TICKET&noncestr=NONCESTR&timestamp=TIMESTAMP&url=URL
//
// with the values exactly as given. It holds the ticket: show it only
// where the ticket may be seen.
func StringToSign(ticket, nonceStr string, timestamp int64, pageURL string) string {
	return "jsapi_ticket=" + ticket + "&noncestr=" + nonceStr +
		"&timestamp=" + strconv.FormatInt(timestamp, 10) + "&url=" + pageURL
}

// URLWarningCode names a kind of [URLWarning], stable for scripts.
type URLWarningCode string

// The warnings [CheckPageURL] gives.
const (
	// WarnFragment: the URL has a #fragment, which is not signed.
	WarnFragment URLWarningCode = "fragment"
	// WarnDoubleEncoded: the URL holds escapes of escapes (%25XX), the
	// mark of a URL encoded twice on its way to the signer.
	WarnDoubleEncoded URLWarningCode = "double-encoded"
	// WarnEncodedURL: the whole URL is percent-encoded ("https%3A%2F%2F…"),
	// as it is when taken from a query parameter without decoding.
	WarnEncodedURL URLWarningCode = "encoded-url"
)

// URLWarning is a likely mistake in a page URL about to be signed.
type URLWarning struct {
	// Code names the kind of warning.
	Code URLWarningCode
	// Message explains it in plain English.
	Message string
}

// CheckPageURL returns the URL [Signer.Config] would sign for pageURL —
// without its fragment, otherwise unchanged — or the error
// ([ErrInvalidURL]) Config would return, and warnings about likely
// mistakes. A signature that WeCom rejects (40093) is most often over
// another URL than the page's location.href: one with its fragment, one
// encoded once more on its way from the page to the server, or a URL still
// encoded as a query parameter. The error never quotes the URL.
func CheckPageURL(pageURL string) (signed string, warnings []URLWarning, err error) {
	if i := strings.IndexByte(pageURL, '#'); i >= 0 {
		warnings = append(warnings, URLWarning{WarnFragment,
			"the URL has a fragment (" + strconv.Itoa(len(pageURL)-i) + " bytes from #); WeCom signs location.href without it, so it is left out"})
	}
	lower := strings.ToLower(pageURL)
	if strings.HasPrefix(lower, "http%3a") || strings.HasPrefix(lower, "https%3a") {
		warnings = append(warnings, URLWarning{WarnEncodedURL,
			"the whole URL is percent-encoded (it starts with http%3A): decode it once, as the page's location.href is not encoded"})
	} else if hasDoubleEscape(pageURL) {
		warnings = append(warnings, URLWarning{WarnDoubleEncoded,
			"the URL holds %25 followed by hex digits, an escape of an escape: it looks encoded twice; sign it exactly as location.href shows it"})
	}
	signed, err = signingURL(pageURL)
	if err != nil {
		return "", warnings, err
	}
	return signed, warnings, nil
}

// hasDoubleEscape reports whether s holds "%25" followed by two hex digits.
func hasDoubleEscape(s string) bool {
	for {
		i := strings.Index(s, "%25")
		if i < 0 {
			return false
		}
		s = s[i+3:]
		if len(s) >= 2 && isHex(s[0]) && isHex(s[1]) {
			return true
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
