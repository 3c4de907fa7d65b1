package jssdk

import "errors"

var (
	// ErrInvalidURL: the page URL is empty, does not parse, has no host,
	// or is not http or https. WeCom signs only the page's own URL, so
	// nothing else can be right.
	ErrInvalidURL = errors.New("jssdk: invalid page URL")

	// ErrNoAgentID: AgentConfig needs the app's agentid, and neither the
	// wecom.Client (wecom.WithAgentID) nor the Signer ([WithAgentID]) has
	// one.
	ErrNoAgentID = errors.New("jssdk: no agentid for wx.agentConfig")

	// ErrInvalidVerifyFile: LoadVerifyFile was given a file that is not a
	// WW_verify_<code>.txt file of reasonable size.
	ErrInvalidVerifyFile = errors.New("jssdk: not a WW_verify file")
)
