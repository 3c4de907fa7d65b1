package suite

import (
	"crypto/sha256"
	"encoding/hex"
)

// Store layout. Every key of a suite starts with "suite:<suite id>:", so
// several suites (and other wecomkit users) can share one store. No key
// holds a secret: auth codes appear only as a hash.
//
//	suite:<id>:ticket                     "<TimeStamp>|<suite_ticket>"  (durable)
//	suite:<id>:corps                      JSON list of authorized corp ids  (durable)
//	suite:<id>:corp:<corp>:permanent_code the corp's permanent code  (durable)
//	suite:<id>:corp:<corp>:auth           JSON Authorization, without the code  (durable)
//	suite:<id>:corp:<corp>:access_token   the corp token (cache)
//	suite:<id>:jsapi_ticket:<corp>        jssdk's tickets for the corp (cache)
//	suite:<id>:agent_ticket:<corp>:<agent>
//	suite:<id>:jobs                       JSON list of pushes not yet handled  (durable)
//	suite:<id>:auth_code:<sha256 prefix>  corp id an auth code was exchanged for (1 h)
//	suite:<id>:done:<job id>              a push handled: its retries are ignored (24 h)
//	suite_access_token:<id>               the suite token (cache)
type keys struct{ prefix string }

func newKeys(suiteID string) keys { return keys{prefix: "suite:" + suiteID + ":"} }

func (k keys) ticket() string                   { return k.prefix + "ticket" }
func (k keys) corps() string                    { return k.prefix + "corps" }
func (k keys) jobs() string                     { return k.prefix + "jobs" }
func (k keys) permanentCode(corp string) string { return k.prefix + "corp:" + corp + ":permanent_code" }
func (k keys) auth(corp string) string          { return k.prefix + "corp:" + corp + ":auth" }

// corpToken is relative to the corp clients' prefixed store.
func corpTokenKey(corp string) string { return "corp:" + corp + ":access_token" }

func (k keys) authCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return k.prefix + "auth_code:" + hex.EncodeToString(sum[:12])
}

func (k keys) done(jobID string) string { return k.prefix + "done:" + jobID }

func (k keys) lock(name string) string { return k.prefix + "lock:" + name }
