package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/internal/redact"
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

func (s *Suite) qrBody(opts []QROption, resultType int) (map[string]any, error) {
	c := qrConfig{style: QRSmall}
	for _, o := range opts {
		if o != nil {
			o.applyQR(&c)
		}
	}
	if err := checkState(c.state, 32); err != nil {
		return nil, err
	}
	if c.style < QRFramedPrint || c.style > QRLarge {
		return nil, fmt.Errorf("%w: QR style 0 to 4", ErrInvalidArgument)
	}
	body := map[string]any{"suite_id": s.cfg.SuiteID, "style": int(c.style), "result_type": resultType}
	if c.state != "" {
		body["state"] = c.state
	}
	return body, nil
}

// AppQRCode returns the URL of the app's install QR code
// (get_app_qrcode with result_type 2,
// https://developer.work.weixin.qq.com/document/path/95430), with the suite
// token. Only released general third-party apps have one. An admin who
// scans it installs the app; WeCom then pushes create_auth with the code's
// state.
func (s *Suite) AppQRCode(ctx context.Context, opts ...QROption) (string, error) {
	body, err := s.qrBody(opts, 2)
	if err != nil {
		return "", err
	}
	var out struct {
		QRCode string `json:"qrcode"`
	}
	req := &wecom.Request{Method: http.MethodPost, Path: "/cgi-bin/service/get_app_qrcode", Body: body, Idempotent: true}
	if err := s.service.Do(ctx, req, &out); err != nil {
		return "", fmt.Errorf("suite: get_app_qrcode: %w", err)
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
// itself rather than JSON, so this one call is sent without the wecom
// client: to the same base URL, through [WithHTTPClient]'s client (or a
// default one with a 30 s timeout), with the suite token, which is replaced
// once if WeCom rejects it (40082, 42009); errors never contain it.
// [WithCallHook] does not see this call.
func (s *Suite) AppQRCodePNG(ctx context.Context, opts ...QROption) ([]byte, error) {
	body, err := s.qrBody(opts, 1)
	if err != nil {
		return nil, err
	}
	payload, _ := json.Marshal(body)
	hc := s.opts.httpClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	const path = "/cgi-bin/service/get_app_qrcode"
	for attempt := 0; ; attempt++ {
		tok, err := s.suiteTokens.Token(ctx)
		if err != nil {
			return nil, fmt.Errorf("suite: get_app_qrcode: %w", err)
		}
		img, apiErr, err := s.fetchQR(ctx, hc, path, tok, payload)
		if err != nil {
			return nil, fmt.Errorf("suite: get_app_qrcode: %w", redact.Error(err, tok))
		}
		if apiErr == nil {
			return img, nil
		}
		if attempt == 0 && wecom.IsTokenInvalid(apiErr) {
			s.logger.LogAttrs(ctx, slog.LevelInfo, "suite: suite token rejected; retrying with a new one", slog.String("path", path), slog.Int("errcode", apiErr.Code))
			if err := s.suiteTokens.Invalidate(ctx, tok); err != nil {
				return nil, fmt.Errorf("suite: get_app_qrcode: %w", err)
			}
			continue
		}
		apiErr.Msg = redact.String(apiErr.Msg, tok)
		return nil, fmt.Errorf("suite: get_app_qrcode: %w", apiErr)
	}
}

// fetchQR sends one get_app_qrcode request: an image answer is returned as
// is, a JSON one as its APIError (success without an image is an error).
func (s *Suite) fetchQR(ctx context.Context, hc *http.Client, path, tok string, payload []byte) ([]byte, *wecom.APIError, error) {
	u := s.transport.BaseURL() + path + "?" + url.Values{"suite_access_token": {tok}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxQRImage+1))
	if err != nil {
		return nil, nil, err
	}
	switch {
	case resp.StatusCode != http.StatusOK:
		return nil, nil, &wecom.HTTPError{StatusCode: resp.StatusCode, Method: http.MethodPost, Path: path}
	case len(data) > maxQRImage:
		return nil, nil, fmt.Errorf("image larger than %d bytes", maxQRImage)
	case strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") || bytes.HasPrefix(data, []byte("\x89PNG")):
		return data, nil, nil
	}
	var env struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, nil, errors.New("answer is neither an image nor JSON")
	}
	if env.ErrCode == 0 {
		return nil, nil, errors.New("answer has no image")
	}
	return nil, &wecom.APIError{Code: env.ErrCode, Msg: env.ErrMsg, Path: path}, nil
}
