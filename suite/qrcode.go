package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/wecom"
)

// InstallSource is how a corporation installed the app, as the suite can
// tell it.
type InstallSource string

// The install sources.
const (
	// InstallWebsite: the auth code came through [Suite.Authorize] — the
	// provider's own install link ([Suite.InstallURL]) and redirect. WeCom
	// pushes nothing for these installs.
	InstallWebsite InstallSource = "website"
	// InstallQRCode: a create_auth push with a non-empty State — the
	// administrator scanned an app QR code made with [WithQRState].
	InstallQRCode InstallSource = "qrcode"
	// InstallMarketOrQR: a create_auth push without State. WeCom does not
	// say whether the admin installed from the App Market or scanned a QR
	// code without state, so the suite cannot either.
	InstallMarketOrQR InstallSource = "market_or_qrcode"
)

type installInfo struct {
	source InstallSource
	extra  string
}

func pushedInstall(ev *crypto.Event) installInfo {
	in := installInfo{source: InstallMarketOrQR}
	if ev.State != "" {
		in.source = InstallQRCode
	}
	var ok bool
	if in.extra, ok = ev.Field("ExtraInfo"); !ok && !ev.IsJSON() {
		// Field gives no text for an element with children: keep its inner
		// XML rather than lose it (doc 90642 leaves its shape to other pages).
		in.extra = innerXML(ev.Raw, "ExtraInfo")
	}
	return in
}

// innerXML returns the inner XML, verbatim, of the last element called
// name directly under the root of doc, or "" if there is none or doc is
// not well-formed XML.
func innerXML(doc []byte, name string) string {
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	d := xml.NewDecoder(bytes.NewReader(doc))
	depth, found := 0, ""
	start := int64(-1)
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				return found
			}
			return ""
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name.Local == name && t.Name.Space == "" {
				start = d.InputOffset()
			}
		case xml.EndElement:
			if depth == 2 && start >= 0 {
				found, start = string(doc[start:before]), -1
			}
			depth--
		}
	}
}

// QRStyle is the look of an app QR code (doc 95430).
type QRStyle int

// The QR code styles, as the provider admin console offers them.
const (
	QRFramedPrint  QRStyle = 0 // framed with instructions, for print
	QRFramedScreen QRStyle = 1 // framed with instructions, for screens
	QRSmall        QRStyle = 2 // plain, 312×384 (WeCom's default)
	QRMedium       QRStyle = 3 // plain, 624×768
	QRLarge        QRStyle = 4 // plain, 1996×2456
)

// QROption configures [Suite.AppQRCode] and [Suite.AppQRCodePNG].
type QROption interface{ applyQR(*qrConfig) }

type qrConfig struct {
	state string
	style QRStyle
}

type qrOptionFunc func(*qrConfig)

func (f qrOptionFunc) applyQR(c *qrConfig) { f(c) }

// WithQRState sets the state a corporation's install through this QR code
// reports (Authorization.State, Source [InstallQRCode]): 1–32 letters and
// digits, to tell install channels apart.
func WithQRState(state string) QROption {
	return qrOptionFunc(func(c *qrConfig) { c.state = state })
}

// WithQRStyle sets the code's style (default [QRSmall]).
func WithQRStyle(style QRStyle) QROption {
	return qrOptionFunc(func(c *qrConfig) { c.style = style })
}

func (s *Suite) qrRequest(opts []QROption, resultType int) (appQRCodeRequest, error) {
	c := qrConfig{style: QRSmall}
	for _, o := range opts {
		if o != nil {
			o.applyQR(&c)
		}
	}
	if err := checkState(c.state, 32); err != nil {
		return appQRCodeRequest{}, err
	}
	if c.style < QRFramedPrint || c.style > QRLarge {
		return appQRCodeRequest{}, fmt.Errorf("%w: QR style 0 to 4", ErrInvalidArgument)
	}
	return appQRCodeRequest{SuiteID: s.cfg.SuiteID, State: c.state, Style: int(c.style), ResultType: resultType}, nil
}

// AppQRCode returns the URL of the app's install QR code
// (get_app_qrcode with result_type 2,
// https://developer.work.weixin.qq.com/document/path/95430), with the suite
// token. Only released general third-party apps have one. An admin who
// scans it installs the app; WeCom then pushes create_auth with the code's
// state.
func (s *Suite) AppQRCode(ctx context.Context, opts ...QROption) (string, error) {
	req, err := s.qrRequest(opts, 2)
	if err != nil {
		return "", err
	}
	// get_app_qrcode is declared once (endpoints.go), answering a file;
	// with result_type 2 WeCom answers JSON, handed over as a JSON File.
	f, err := getAppQRCode.Call(ctx, s.suiteCall, req)
	if err != nil {
		return "", fmt.Errorf("suite: get_app_qrcode: %w", err)
	}
	defer f.Body.Close()
	var out appQRCodeAnswer
	if err := json.NewDecoder(io.LimitReader(f.Body, 64<<10)).Decode(&out); err != nil {
		return "", fmt.Errorf("suite: get_app_qrcode: answer is not the JSON result_type 2 asks for: %w", wecom.ErrMalformedResponse)
	}
	if out.QRCode == "" {
		return "", errors.New("suite: get_app_qrcode: answer has no qrcode")
	}
	return out.QRCode, nil
}

// maxQRImage bounds the image AppQRCodePNG reads (the large style is about
// 2000×2500 pixels).
const maxQRImage = 8 << 20

// AppQRCodePNG returns the app's install QR code as a PNG image
// (get_app_qrcode with result_type 1, doc 95430). WeCom answers the image
// itself rather than JSON; the call goes through the suite's transport like
// every other — [WithCallHook] sees it, transport failures are retried, a
// rejected suite token (40082, 42009) is replaced once, and errors never
// contain the token. A JSON answer is WeCom's error; an image larger than
// 8 MiB is refused.
func (s *Suite) AppQRCodePNG(ctx context.Context, opts ...QROption) ([]byte, error) {
	req, err := s.qrRequest(opts, 1)
	if err != nil {
		return nil, err
	}
	f, err := getAppQRCode.Call(ctx, s.suiteCall, req)
	if err != nil {
		return nil, fmt.Errorf("suite: get_app_qrcode: %w", err)
	}
	defer f.Body.Close()
	if f.Size > maxQRImage {
		return nil, fmt.Errorf("suite: get_app_qrcode: image larger than %d bytes", maxQRImage)
	}
	img, err := io.ReadAll(io.LimitReader(f.Body, maxQRImage+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("suite: get_app_qrcode: read image: %w", err)
	case len(img) > maxQRImage:
		return nil, fmt.Errorf("suite: get_app_qrcode: image larger than %d bytes", maxQRImage)
	case !strings.HasPrefix(f.ContentType, "image/") && !bytes.HasPrefix(img, []byte("\x89PNG")):
		return nil, errors.New("suite: get_app_qrcode: answer is not an image")
	}
	return img, nil
}
