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
//	suite:<id>:corpset                    index of authorized corp ids (durable; score: Unix s of the install)
//	suite:<id>:corp:<corp>:permanent_code the corp's permanent code  (durable)
//	suite:<id>:corp:<corp>:auth           JSON Authorization, without the code  (durable)
//	suite:<id>:corp:<corp>:cancelled      TimeStamp of the newest cancel_auth (30 days)
//	suite:<id>:corp:<corp>:access_token   the corp token (cache)
//	suite:<id>:jsapi_ticket:<corp>        jssdk's tickets for the corp (cache)
//	suite:<id>:agent_ticket:<corp>:<agent>
//	suite:<id>:exchange:<sha256 prefix>   an auth code's exchange: started, or its whole answer (7 days)
//	suite:<id>:job:{<job id>}…            pushes not yet handled, one record each (internal/jobqueue)
//	suite:<id>:jobs:urgent, …:jobs:normal their due times (sorted indexes)
//	suite:<id>:probe                      the write probe of Suite.CheckStore (1 min)
//	suite_access_token:<id>               the suite token (cache)
//
// Before v0.3 the pending pushes were one JSON list under suite:<id>:jobs
// and the corps one under suite:<id>:corps; New moves both into the new
// layout once.
type keys struct{ prefix string }

func newKeys(suiteID string) keys { return keys{prefix: "suite:" + suiteID + ":"} }

func (k keys) ticket() string                   { return k.prefix + "ticket" }
func (k keys) corps() string                    { return k.prefix + "corpset" }
func (k keys) legacyCorps() string              { return k.prefix + "corps" }
func (k keys) legacyJobs() string               { return k.prefix + "jobs" }
func (k keys) permanentCode(corp string) string { return k.prefix + "corp:" + corp + ":permanent_code" }
func (k keys) auth(corp string) string          { return k.prefix + "corp:" + corp + ":auth" }
func (k keys) cancelled(corp string) string     { return k.prefix + "corp:" + corp + ":cancelled" }
func (k keys) probe() string                    { return k.prefix + "probe" }

// corpToken is relative to the corp clients' prefixed store.
func corpTokenKey(corp string) string { return "corp:" + corp + ":access_token" }

// codeHash names an auth code without revealing it.
func codeHash(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:12])
}

// exchange is the record of the auth code whose codeHash is h.
func (k keys) exchange(h string) string { return k.prefix + "exchange:" + h }

func (k keys) lock(name string) string { return k.prefix + "lock:" + name }
