package wecomtest

import (
	"bytes"
	"crypto/sha256"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// App QR codes (get_app_qrcode,
// https://developer.work.weixin.qq.com/document/path/95430). The server
// answers a small, valid PNG whose pattern depends on the suite, the state
// and the style, so a test can tell codes apart; result_type 2 answers a URL
// on this server that serves the same image.

func (s *Server) addQRCodeRoutes() {
	s.routes["/cgi-bin/service/get_app_qrcode"] = s.serviceAuthed("suite_access_token", kindSuiteToken, s.handleGetAppQRCode)
	s.routes["/wecomtest/qrcode"] = s.handleQRCodeImage
}

// AppQRCodePNG returns the image get_app_qrcode answers for suiteID with
// state and style.
func AppQRCodePNG(suiteID, state string, style int) []byte {
	sum := sha256.Sum256([]byte(suiteID + "\x00" + state + "\x00" + strconv.Itoa(style)))
	const n = 21 // a version-1 QR code's modules
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			bit := sum[(y*n+x)/8%len(sum)] >> ((y*n + x) % 8) & 1
			if bit == 1 {
				img.SetGray(x, y, color.Gray{})
			} else {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // cannot fail on a Gray image in memory
	return b.Bytes()
}

// handleGetAppQRCode serves POST /cgi-bin/service/get_app_qrcode: suite_id
// must be the token's suite (40083 otherwise), state at most 32 letters and
// digits and style 0 to 4 (40058 otherwise); result_type 1 (the default)
// answers the PNG, 2 a URL.
func (s *Server) handleGetAppQRCode(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		SuiteID    string `json:"suite_id"`
		State      string `json:"state"`
		Style      *int   `json:"style"`
		ResultType int    `json:"result_type"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	style := 2
	if body.Style != nil {
		style = *body.Style
	}
	switch {
	case body.SuiteID != who.suiteID:
		writeError(w, 40083, "")
		return
	case len(body.State) > 32 || strings.IndexFunc(body.State, func(c rune) bool {
		return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
	}) >= 0:
		writeError(w, 40058, "invalid state")
		return
	case style < 0 || style > 4:
		writeError(w, 40058, "invalid style")
		return
	}
	switch body.ResultType {
	case 0, 1:
		writePNG(w, AppQRCodePNG(body.SuiteID, body.State, style))
	case 2:
		q := url.Values{"suite_id": {body.SuiteID}, "state": {body.State}, "style": {strconv.Itoa(style)}}
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "qrcode": s.URL + "/wecomtest/qrcode?" + q.Encode()})
	default:
		writeError(w, 40058, "invalid result_type")
	}
}

// handleQRCodeImage serves the URL result_type 2 answers.
func (s *Server) handleQRCodeImage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	style, err := strconv.Atoi(q.Get("style"))
	if err != nil {
		http.Error(w, "wecomtest: bad style", http.StatusBadRequest)
		return
	}
	writePNG(w, AppQRCodePNG(q.Get("suite_id"), q.Get("state"), style))
}

func writePNG(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Disposition", `attachment; filename="qrcode.png"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
