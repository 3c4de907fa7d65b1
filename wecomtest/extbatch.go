package wecomtest

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wecomkit/wecomkit/internal/jsonenc"
)

// codeNoLicense is batch/get_by_user's answer when no member of the
// request has an interface license: 701008, by other SDKs' account of
// WeCom (UNCONFIRMED against WeCom's page). When only some lack one,
// WeCom answers the others' customers and lists the rest in
// fail_info.unlicensed_userid_list (doc 92994).
const codeNoLicense = 701008

// handleExtBatch serves POST externalcontact/batch/get_by_user: rows by
// member in the list's order, then by the order added; members without
// customers are skipped (the fake's choice). Members marked with
// [Server.SetUnlicensed] are left out and listed in
// fail_info.unlicensed_userid_list, on every page (the fake's choice);
// when every member of the list is unlicensed the answer is 701008.
//
// The answer is encoded by hand into a reused buffer: a sync of 100,000
// relations asks for 1,000 pages, and maps per row would cost more than
// the client's whole decode.
func (s *Server) handleExtBatch(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		UserIDList []string `json:"userid_list"`
		Cursor     string   `json:"cursor"`
		Limit      int      `json:"limit"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if len(b.UserIDList) == 0 || len(b.UserIDList) > extBatchMaxUsers {
		writeError(w, 40058, "userid_list: 1 to 100 userids")
		return
	}
	off, ok := parseExtCursor(w, b.Cursor)
	if !ok {
		return
	}
	limit := b.Limit
	if limit <= 0 {
		limit = extBatchDefault
	}
	limit = min(limit, extBatchMax)
	licensed, unlicensed := s.splitLicensed(caller.CorpID, b.UserIDList)
	if len(licensed) == 0 {
		writeError(w, codeNoLicense, "no member of userid_list has an interface license")
		return
	}

	e := s.ext
	bp, _ := e.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer e.bufs.Put(bp)
	buf := append((*bp)[:0], `{"errcode":0,"errmsg":"ok","external_contact_list":[`...)

	e.mu.Lock()
	ec := e.corpLocked(caller.CorpID)
	total, n := 0, 0
	for _, u := range licensed {
		ids := ec.byUser[u]
		for _, x := range ids[min(max(off-total, 0), len(ids)):max(min(off+limit-total, len(ids)), 0)] {
			cu := ec.customers[x]
			if n > 0 {
				buf = append(buf, ',')
			}
			buf = appendBatchRow(buf, cu, cu.follow(u))
			n++
		}
		total += len(ids)
	}
	e.mu.Unlock()

	buf = append(buf, `],"next_cursor":`...)
	next := ""
	if end := min(off+limit, total); end < total {
		next = "wecomtest-" + strconv.Itoa(end)
	}
	buf = jsonenc.AppendString(buf, next)
	if len(unlicensed) > 0 {
		buf = append(buf, `,"fail_info":{"unlicensed_userid_list":`...)
		buf = appendJSONStrings(buf, unlicensed)
		buf = append(buf, '}')
	}
	buf = append(buf, '}')
	*bp = buf
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
	_, _ = w.Write(buf)
}

// splitLicensed splits userIDs into the members with an interface
// license and those [Server.SetUnlicensed] marked, each in the list's
// order.
func (s *Server) splitLicensed(corpID string, userIDs []string) (licensed, unlicensed []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	marks := s.con.unlicensed[corpID]
	if len(marks) == 0 {
		return userIDs, nil
	}
	for _, u := range userIDs {
		if marks[strings.ToLower(u)] {
			unlicensed = append(unlicensed, u)
		} else {
			licensed = append(licensed, u)
		}
	}
	return licensed, unlicensed
}

// appendBatchRow appends one row of batch/get_by_user: the customer's
// profile and member f's side with tag ids only.
func appendBatchRow(b []byte, cu *extCustomer, f *extFollow) []byte {
	b = append(b, `{"external_contact":{"external_userid":`...)
	b = jsonenc.AppendString(b, cu.id)
	b = append(b, `,"name":`...)
	b = jsonenc.AppendString(b, cu.name)
	b = append(b, `,"type":`...)
	b = strconv.AppendInt(b, int64(cu.typ), 10)
	b = append(b, `,"gender":`...)
	b = strconv.AppendInt(b, int64(cu.gender), 10)
	b = append(b, `,"avatar":`...)
	if m := cu.more; m != nil {
		b = jsonenc.AppendString(b, m.avatar)
		if cu.typ == 2 {
			b = append(b, `,"position":`...)
			b = jsonenc.AppendString(b, m.position)
			b = append(b, `,"corp_name":`...)
			b = jsonenc.AppendString(b, m.corpName)
			b = append(b, `,"corp_full_name":`...)
			b = jsonenc.AppendString(b, m.corpFullName)
		}
		if m.unionID != "" {
			b = append(b, `,"unionid":`...)
			b = jsonenc.AppendString(b, m.unionID)
		}
	} else {
		b = append(b, `""`...)
		if cu.typ == 2 {
			b = append(b, `,"position":"","corp_name":"","corp_full_name":""`...)
		}
	}
	b = append(b, `},"follow_info":{"userid":`...)
	b = jsonenc.AppendString(b, f.user)
	b = append(b, `,"remark":`...)
	b = jsonenc.AppendString(b, f.remark)
	b = append(b, `,"description":`...)
	b = jsonenc.AppendString(b, f.description)
	b = append(b, `,"createtime":`...)
	b = strconv.AppendInt(b, f.added, 10)
	b = append(b, `,"add_way":`...)
	b = strconv.AppendInt(b, int64(f.addWay), 10)
	if f.state != "" {
		b = append(b, `,"state":`...)
		b = jsonenc.AppendString(b, f.state)
	}
	b = append(b, `,"remark_mobiles":`...)
	b = appendJSONStrings(b, f.mobiles)
	b = append(b, `,"tag_id":`...)
	b = appendJSONStrings(b, f.tags)
	return append(b, "}}"...)
}

// appendJSONStrings appends ss as a JSON array ([] when empty).
func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, v := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, v)
	}
	return append(b, ']')
}
