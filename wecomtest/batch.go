package wecomtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Batch imports (docs 90979–90983) and exports (docs 94849–94854).
//
// An import reads the CSV uploaded with media/upload, in WeCom's
// templates: members with the columns 姓名, 帐号 (or 账号), 手机号, 邮箱,
// 所在部门 (department ids separated by ";"), 职位, 性别 (男/女 or 1/2),
// found by their header names, in any order; departments with 部门名称,
// 部门ID, 父部门ID, 排序. The job's effect on the directory is applied when
// it completes: at once by default, or on the n-th batch/getresult poll
// ([WithBatchPolls], [Server.SetBatchPolls]); [Server.CompleteJob] ends a
// job at any time. On completion a job given a callback pushes
// batch_job_result there, sealed with its token and key (a job without one
// pushes nothing: the fake does not know apps' callback URLs).
//
//   - syncuser creates or updates each row's member; empty cells leave an
//     existing member's field unchanged (UNCONFIRMED: WeCom's rule for
//     empty cells).
//   - replaceuser does the same, then deletes every member not in the
//     file.
//   - replaceparty creates, renames, moves and reorders the departments of
//     the file, reporting each row's action bits, then deletes the
//     departments not in it that have no members and no remaining
//     sub-departments (UNCONFIRMED: which departments WeCom keeps).
//
// A row that fails is reported with its own errcode — the fake's choices
// where WeCom's pages name none: a missing or bad 帐号 40003, a missing
// name 60112, no department 41019, an unknown department 60003, a taken
// mobile 60104 or email 60106; for departments a bad name 60001, a bad id
// 60123, an unknown parent 60004.
//
// An export writes the corporation's whole directory (the fake does not
// narrow it to the credential's scope) as WeCom's JSON files, block_size
// rows per file, encrypted as WeCom does: AES-256-CBC with the
// base64-decoded encoding_aeskey, the IV its first 16 bytes, PKCS#7
// padding to a multiple of 32 bytes. The files are served by the fake at
// its own URL (with Range support). Exports complete like imports.

// batchState is the fake's model behind addBatchRoutes's routes. Guarded
// by Server.mu.
type batchState struct {
	polls   int // getresult polls a job takes; 0: done when created
	seq     int
	jobs    map[string]*batchJob
	exports map[string]*exportJob
	files   map[string][]byte // export files by id: the ciphertext
}

type batchJob struct {
	id, corpID string
	typ        string // sync_user, replace_user, replace_party
	data       []byte // the CSV
	callback   *batchCallback
	polls      int // polls left before completion
	polled     int
	done       bool
	total      int
	result     []batchRow // once done
	errcode    int        // the job's own error (a CSV that does not parse)
}

type batchCallback struct {
	URL            string `json:"url"`
	Token          string `json:"token"`
	EncodingAESKey string `json:"encodingaeskey"`
}

type exportJob struct {
	id, corpID string
	kind       string // simple_user, user, department, taguser
	key        []byte
	blockSize  int
	tagID      int64
	polls      int
	done       bool
	files      []exportFileInfo
}

type exportFileInfo struct {
	URL  string `json:"url"`
	Size int    `json:"size"`
	MD5  string `json:"md5"`
}

// Errcodes of this file (the fake's choices; see the file comment).
const (
	codeBatchBadJob    = 40058 // an unknown jobid, a bad encoding_aeskey or block_size
	codeBatchNoMedia   = 40007 // media_id unknown, expired or not the corporation's
	codeBatchNoDept    = 41019
	codeBatchBadUserID = 40003
)

// WithBatchPolls makes batch and export jobs complete on their n-th
// get-result poll instead of when created (n ≤ 0).
func WithBatchPolls(n int) Option {
	return optionFunc(func(s *Server) { s.SetBatchPolls(n) })
}

// SetBatchPolls sets how many get-result polls the jobs created from now
// on take to complete; 0 completes them when created.
func (s *Server) SetBatchPolls(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batch.polls = max(n, 0)
}

// CompleteJob completes a batch import or export job now, as if its last
// poll had come, and reports whether there was such a job still running.
func (s *Server) CompleteJob(jobID string) bool {
	s.mu.Lock()
	if j := s.batch.jobs[jobID]; j != nil && !j.done {
		push := s.completeJobLocked(j)
		s.mu.Unlock()
		push()
		return true
	}
	if e := s.batch.exports[jobID]; e != nil && !e.done {
		s.completeExportLocked(e)
		s.mu.Unlock()
		return true
	}
	s.mu.Unlock()
	return false
}

// addBatchRoutes registers the routes of this file's endpoints.
func (s *Server) addBatchRoutes() {
	s.batch = batchState{
		jobs:    make(map[string]*batchJob),
		exports: make(map[string]*exportJob),
		files:   make(map[string][]byte),
	}
	s.routes["/cgi-bin/batch/syncuser"] = s.authed(s.handleBatchStart("sync_user"))
	s.routes["/cgi-bin/batch/replaceuser"] = s.authed(s.handleBatchStart("replace_user"))
	s.routes["/cgi-bin/batch/replaceparty"] = s.authed(s.handleBatchStart("replace_party"))
	s.routes["/cgi-bin/batch/getresult"] = s.authed(s.handleBatchGetResult)
	for _, kind := range []string{"simple_user", "user", "department", "taguser"} {
		s.routes["/cgi-bin/export/"+kind] = s.authed(s.handleExportStart(kind))
	}
	s.routes["/cgi-bin/export/get_result"] = s.authed(s.handleExportGetResult)
	s.routes["/_fake/export/file"] = s.handleExportFile
}

func (s *Server) newJobIDLocked(prefix string) string {
	s.batch.seq++
	return prefix + strconv.Itoa(s.batch.seq) + "_" + randomHex(8)
}

// handleBatchStart serves POST /cgi-bin/batch/syncuser, replaceuser and
// replaceparty (docs 90980–90982).
func (s *Server) handleBatchStart(typ string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c Caller) {
		var b struct {
			MediaID  string         `json:"media_id"`
			ToInvite *bool          `json:"to_invite"`
			Callback *batchCallback `json:"callback"`
		}
		if !decodeWrite(w, r, &b) {
			return
		}
		if typ == "replace_party" && b.ToInvite != nil {
			writeError(w, 40058, "replaceparty takes no to_invite")
			return
		}
		s.med.mu.Lock()
		m := s.med.items[b.MediaID]
		var data []byte
		if m != nil && m.corpID == c.CorpID && s.now().Before(m.created.Add(72*time.Hour)) {
			data = m.data
		}
		s.med.mu.Unlock()
		if data == nil {
			writeError(w, codeBatchNoMedia, "invalid media_id")
			return
		}
		s.mu.Lock()
		j := &batchJob{id: s.newJobIDLocked("fakejob"), corpID: c.CorpID, typ: typ, data: data, callback: b.Callback, polls: s.batch.polls}
		s.batch.jobs[j.id] = j
		push := func() {}
		if j.polls == 0 {
			push = s.completeJobLocked(j)
		}
		s.mu.Unlock()
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "jobid": j.id})
		go push()
	}
}

// handleBatchGetResult serves GET /cgi-bin/batch/getresult (doc 90983).
func (s *Server) handleBatchGetResult(w http.ResponseWriter, r *http.Request, c Caller) {
	s.mu.Lock()
	j := s.batch.jobs[r.URL.Query().Get("jobid")]
	if j == nil || j.corpID != c.CorpID {
		s.mu.Unlock()
		writeError(w, codeBatchBadJob, "invalid jobid")
		return
	}
	push := func() {}
	if !j.done {
		j.polled++
		if j.polled >= j.polls {
			push = s.completeJobLocked(j)
		}
	}
	var buf bytes.Buffer
	buf.WriteString(`{"errcode":0,"errmsg":"ok","type":"`)
	buf.WriteString(j.typ)
	buf.WriteString(`","status":`)
	if j.done {
		buf.WriteString(`3,"percentage":100,"total":`)
		buf.WriteString(strconv.Itoa(j.total))
		buf.WriteString(`,"result":`)
	} else {
		buf.WriteString(`2,"percentage":`)
		buf.WriteString(strconv.Itoa(100 * j.polled / max(j.polls, 1)))
		buf.WriteString(`,"total":0`)
	}
	var result []batchRow
	done, party := j.done, j.typ == "replace_party"
	if done {
		result = j.result // never changed once set
	}
	s.mu.Unlock()
	push()
	size := buf.Len() + 1
	if done {
		size += writeRows(nil, result, party)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(size))
	_, _ = w.Write(buf.Bytes())
	if done {
		bw := bufio.NewWriterSize(w, 32<<10)
		writeRows(bw, result, party)
		_ = bw.Flush()
	}
	_, _ = w.Write([]byte("}"))
}

// completeJobLocked applies the job to the directory and returns the
// push of its callback, to call without the lock.
func (s *Server) completeJobLocked(j *batchJob) func() {
	var rows []batchRow
	switch j.typ {
	case "replace_party":
		rows = s.applyPartiesLocked(j)
	default:
		rows = s.applyUsersLocked(j)
	}
	j.done, j.result, j.data = true, rows, nil
	s.con.gen++
	cb := j.callback
	if cb == nil || cb.URL == "" {
		return func() {}
	}
	errmsg := "ok"
	if j.errcode != 0 {
		errmsg = "csv format error"
	}
	p := newPushXML().str("ToUserName", j.corpID).str("FromUserName", "sys").num("CreateTime", s.now().Unix()).
		str("MsgType", "event").str("Event", "batch_job_result")
	p.b.WriteString("<BatchJob>")
	p.str("JobId", j.id).str("JobType", j.typ).num("ErrCode", int64(j.errcode)).str("ErrMsg", errmsg)
	p.b.WriteString("</BatchJob>")
	plaintext := p.done()
	corpID := j.corpID
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.pushSealed(ctx, cb.URL, cb.Token, cb.EncodingAESKey, corpID, plaintext)
	}
}

// csvRecords parses the CSV, returning its header's column indexes by name
// and a function yielding the rows.
func csvRecords(data []byte) (map[string]int, *csv.Reader, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, nil, err
	}
	cols := make(map[string]int, len(head))
	for i, h := range head {
		cols[strings.TrimSpace(h)] = i
	}
	return cols, cr, nil
}

func column(cols map[string]int, names ...string) int {
	for _, n := range names {
		if i, ok := cols[n]; ok {
			return i
		}
	}
	return -1
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// rowWriter collects result rows, written as JSON by getresult: 24
// bytes a row, not its JSON.
type rowWriter struct {
	rows []batchRow
}

type batchRow struct {
	userID string // "" for a department row
	party  int64
	action int32
	code   int32
}

func (rw *rowWriter) user(userID string, code int) {
	rw.rows = append(rw.rows, batchRow{userID: userID, code: int32(code)})
}

func (rw *rowWriter) party(id int64, action, code int) {
	rw.rows = append(rw.rows, batchRow{party: id, action: int32(action), code: int32(code)})
}

func (rw *rowWriter) done() []batchRow {
	if rw.rows == nil {
		return []batchRow{}
	}
	return rw.rows
}

// writeRows writes rows as getresult's result array and returns the
// number of bytes written.
func writeRows(w io.Writer, rows []batchRow, party bool) int {
	buf := make([]byte, 0, 256)
	n := 0
	flush := func() {
		if w != nil {
			_, _ = w.Write(buf)
		}
		n += len(buf)
		buf = buf[:0]
	}
	buf = append(buf, '[')
	for i, r := range rows {
		if i > 0 {
			buf = append(buf, ',')
		}
		if party {
			buf = append(buf, `{"action":`...)
			buf = strconv.AppendInt(buf, int64(r.action), 10)
			buf = append(buf, `,"partyid":`...)
			buf = strconv.AppendInt(buf, r.party, 10)
		} else {
			buf = append(buf, `{"userid":`...)
			buf = strconv.AppendQuote(buf, r.userID)
		}
		buf = append(buf, `,"errcode":`...)
		buf = strconv.AppendInt(buf, int64(r.code), 10)
		msg := "ok"
		if r.code != 0 {
			if msg = dirWriteMsgs[int(r.code)]; msg == "" {
				msg = "error"
			}
		}
		buf = append(buf, `,"errmsg":`...)
		buf = strconv.AppendQuote(buf, msg)
		buf = append(buf, '}')
		flush()
	}
	buf = append(buf, ']')
	flush()
	return n
}

func validBatchUserID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-@.", r)) {
			return false
		}
	}
	return true
}

// applyUsersLocked runs a sync_user or replace_user job.
func (s *Server) applyUsersLocked(j *batchJob) []batchRow {
	lines := bytes.Count(j.data, []byte("\n")) + 1
	rw := rowWriter{rows: make([]batchRow, 0, lines)}
	cols, cr, err := csvRecords(j.data)
	if err != nil {
		j.errcode = 40058
		return rw.done()
	}
	cName, cID := column(cols, "姓名", "name"), column(cols, "帐号", "账号", "userid")
	cMobile, cEmail := column(cols, "手机号", "手机", "mobile"), column(cols, "邮箱", "email")
	cDept, cPos := column(cols, "所在部门", "部门", "department"), column(cols, "职位", "职务", "position")
	cGender := column(cols, "性别", "gender")
	byID := s.dir.members[j.corpID]
	if byID == nil {
		byID = make(map[string]*Member)
		s.dir.members[j.corpID] = byID
	}
	depts := s.con.depts[j.corpID]
	replace := j.typ == "replace_user"
	// A replace builds the new directory beside the old one: the mobiles
	// and emails must be unique within the file; a sync checks them
	// against every member.
	next := byID
	mobiles, emails := make(map[string]*Member), make(map[string]*Member)
	if replace {
		next = make(map[string]*Member, max(len(byID), lines))
		mobiles = make(map[string]*Member, lines)
	} else {
		for _, m := range byID {
			if m.Mobile != "" {
				mobiles[m.Mobile] = m
			}
			if m.Email != "" {
				emails[strings.ToLower(m.Email)] = m
			}
		}
	}
	var dept []int64
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			j.errcode = 40058
			break
		}
		j.total++
		id := cell(rec, cID)
		k := strings.ToLower(id)
		m := byID[k]
		if replace {
			if n := next[k]; n != nil {
				m = n // the userid's second row
			} else if m != nil {
				next[k] = m // a failed row keeps its member
			}
		}
		name, mobile, email := cell(rec, cName), cell(rec, cMobile), cell(rec, cEmail)
		if strings.ContainsFunc(email, unicode.IsUpper) {
			email = strings.ToLower(email)
		}
		dept = dept[:0]
		bad := 0
		for rest := strings.ReplaceAll(cell(rec, cDept), "；", ";"); rest != ""; {
			var f string
			f, rest, _ = strings.Cut(rest, ";")
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			d, err := strconv.ParseInt(f, 10, 64)
			if err != nil || depts[d] == nil {
				bad = codeDeptNotFound
				break
			}
			dept = append(dept, d)
		}
		code := 0
		switch {
		case !validBatchUserID(id):
			code = codeBatchBadUserID
		case name == "" && (m == nil || replace):
			code = codeBadMemberName
		case bad != 0:
			code = bad
		case len(dept) == 0 && (m == nil || replace):
			code = codeBatchNoDept
		case mobile != "" && mobiles[mobile] != nil && mobiles[mobile] != m:
			code = codeMobileExists
		case email != "" && emails[email] != nil && emails[email] != m:
			code = codeEmailExists
		}
		rw.user(id, code)
		if code != 0 {
			continue
		}
		if replace {
			// Every field is set from the row: the member is reused.
			if m == nil {
				m = &Member{}
			}
			m.UserID, m.BizMail, m.Avatar = id, "", ""
			next[k] = m
		} else if m == nil {
			m = &Member{UserID: id}
			byID[k] = m
		}
		set := func(dst *string, v string) {
			if v != "" || replace {
				*dst = v
			}
		}
		set(&m.Name, name)
		set(&m.Mobile, mobile)
		set(&m.Email, email)
		set(&m.Position, cell(rec, cPos))
		switch g := cell(rec, cGender); g {
		case "男", "1":
			m.Gender = "1"
		case "女", "2":
			m.Gender = "2"
		default:
			set(&m.Gender, "")
		}
		if len(dept) > 0 && !slices.Equal(m.Department, dept) {
			m.Department = append([]int64(nil), dept...)
		}
		if mobile != "" {
			mobiles[mobile] = m
		}
		if email != "" {
			emails[email] = m
		}
	}
	if replace && j.errcode == 0 {
		for k := range byID {
			if next[k] == nil {
				for _, t := range s.dw.tags[j.corpID] {
					delete(t.users, k)
				}
			}
		}
		s.dir.members[j.corpID] = next
	}
	return rw.done()
}

// applyPartiesLocked runs a replace_party job.
func (s *Server) applyPartiesLocked(j *batchJob) []batchRow {
	rw := rowWriter{rows: make([]batchRow, 0, bytes.Count(j.data, []byte("\n"))+1)}
	cols, cr, err := csvRecords(j.data)
	if err != nil {
		j.errcode = 40058
		return rw.done()
	}
	cName, cID := column(cols, "部门名称", "name"), column(cols, "部门ID", "id")
	cParent, cOrder := column(cols, "父部门ID", "parentid"), column(cols, "排序", "order")
	type row struct {
		id, parent, order int64
		name              string
		hasOrder          bool
	}
	var rows []row
	inFile := make(map[int64]bool)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			j.errcode = 40058
			return rw.done()
		}
		var r row
		r.name = cell(rec, cName)
		r.id, _ = strconv.ParseInt(cell(rec, cID), 10, 64)
		r.parent, _ = strconv.ParseInt(cell(rec, cParent), 10, 64)
		if o := cell(rec, cOrder); o != "" {
			r.order, _ = strconv.ParseInt(o, 10, 64)
			r.hasOrder = true
		}
		rows = append(rows, r)
		if r.id > 0 {
			inFile[r.id] = true
		}
	}
	j.total = len(rows)
	depts := s.con.depts[j.corpID]
	if depts == nil {
		depts = make(map[int64]*Department)
		s.con.depts[j.corpID] = depts
	}
	for _, r := range rows {
		code := 0
		switch {
		case r.id <= 0:
			code = codeInvalidDeptID
		case !validDeptName(r.name):
			code = codeDeptNameLength
		case r.parent != 0 && !inFile[r.parent] && depts[r.parent] == nil,
			r.parent == 0 && r.id != 1 && (depts[r.id] == nil || depts[r.id].ParentID != 0):
			code = codeParentNotFound
		}
		if code != 0 {
			rw.party(r.id, 0, code)
			delete(inFile, r.id)
			continue
		}
		action := 0
		d := depts[r.id]
		if d == nil {
			d = &Department{ID: r.id, ParentID: r.parent, Name: r.name, Order: r.order}
			depts[r.id] = d
			action = 1
		} else {
			if d.Name != r.name {
				d.Name, action = r.name, action|2
			}
			if d.ParentID != r.parent {
				d.ParentID, action = r.parent, action|4
			}
			if r.hasOrder && d.Order != r.order {
				d.Order, action = r.order, action|8
			}
		}
		rw.party(r.id, action, 0)
	}
	// Delete what the file left out, leaves first, keeping departments
	// with members (or with kept children).
	used := make(map[int64]bool)
	for _, m := range s.dir.members[j.corpID] {
		for _, d := range m.Department {
			used[d] = true
		}
	}
	for changed := true; changed; {
		changed = false
		children := make(map[int64]bool)
		for _, d := range depts {
			if d.ParentID != d.ID {
				children[d.ParentID] = true
			}
		}
		for id, d := range depts {
			if !inFile[id] && d.ParentID != 0 && !used[id] && !children[id] {
				delete(depts, id)
				for _, t := range s.dw.tags[j.corpID] {
					delete(t.parties, id)
				}
				changed = true
			}
		}
	}
	return rw.done()
}

// --- exports ---

// handleExportStart serves POST /cgi-bin/export/simple_user, user,
// department and taguser (docs 94849–94853).
func (s *Server) handleExportStart(kind string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c Caller) {
		var b struct {
			TagID          int64  `json:"tagid"`
			EncodingAESKey string `json:"encoding_aeskey"`
			BlockSize      *int   `json:"block_size"`
		}
		if !decodeWrite(w, r, &b) {
			return
		}
		key, err := base64.StdEncoding.DecodeString(b.EncodingAESKey + "=")
		if len(b.EncodingAESKey) != 43 || err != nil || len(key) != 32 {
			writeError(w, codeBatchBadJob, "invalid encoding_aeskey")
			return
		}
		size := 1_000_000
		if b.BlockSize != nil {
			size = *b.BlockSize
			if size < 10_000 || size > 1_000_000 {
				writeError(w, codeBatchBadJob, "invalid block_size")
				return
			}
		}
		s.mu.Lock()
		if kind == "taguser" && s.tagLocked(c.CorpID, b.TagID) == nil {
			s.mu.Unlock()
			dwError(w, codeInvalidTagID)
			return
		}
		e := &exportJob{id: s.newJobIDLocked("fakeexport"), corpID: c.CorpID, kind: kind, key: key, blockSize: size, tagID: b.TagID, polls: s.batch.polls}
		s.batch.exports[e.id] = e
		if e.polls == 0 {
			s.completeExportLocked(e)
		}
		s.mu.Unlock()
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "jobid": e.id})
	}
}

// handleExportGetResult serves GET /cgi-bin/export/get_result (doc 94854).
func (s *Server) handleExportGetResult(w http.ResponseWriter, r *http.Request, c Caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.batch.exports[r.URL.Query().Get("jobid")]
	if e == nil || e.corpID != c.CorpID {
		writeError(w, codeBatchBadJob, "invalid jobid")
		return
	}
	if !e.done {
		e.polls--
		if e.polls <= 0 {
			s.completeExportLocked(e)
		}
	}
	if !e.done {
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "status": 1})
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "status": 2, "data_list": e.files})
}

// handleExportFile serves an export's encrypted file.
func (s *Server) handleExportFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data, ok := s.batch.files[r.URL.Query().Get("id")]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "export", time.Time{}, bytes.NewReader(data))
}

// completeExportLocked writes the export's files.
func (s *Server) completeExportLocked(e *exportJob) {
	e.done = true
	var blocks [][]byte
	switch e.kind {
	case "simple_user", "user":
		ms := s.sortedMembersLocked(e.corpID)
		for i := 0; i < len(ms) || i == 0; i += e.blockSize {
			part := ms[i:min(i+e.blockSize, len(ms))]
			list := make([]map[string]any, len(part))
			for k, m := range part {
				u := map[string]any{"userid": m.UserID, "name": m.Name, "department": nonNil(m.Department)}
				if e.kind == "user" {
					u["position"], u["mobile"], u["gender"], u["email"] = m.Position, m.Mobile, gender(m), m.Email
					putNonEmpty(u, "biz_mail", m.BizMail)
					putNonEmpty(u, "avatar", m.Avatar)
				}
				list[k] = u
			}
			blocks = append(blocks, mustJSON(map[string]any{"userlist": list}))
		}
	case "department":
		ds := make([]*Department, 0, len(s.con.depts[e.corpID]))
		for _, d := range s.con.depts[e.corpID] {
			ds = append(ds, d)
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i].ID < ds[j].ID })
		for i := 0; i < len(ds) || i == 0; i += e.blockSize {
			part := ds[i:min(i+e.blockSize, len(ds))]
			list := make([]map[string]any, len(part))
			for k, d := range part {
				list[k] = map[string]any{"id": d.ID, "name": d.Name, "name_en": d.NameEn, "parentid": d.ParentID, "order": d.Order, "department_leader": nonNil(d.Leaders)}
			}
			blocks = append(blocks, mustJSON(map[string]any{"department": list}))
		}
	case "taguser":
		t := s.tagLocked(e.corpID, e.tagID)
		users := []map[string]any{}
		parties := []int64{}
		if t != nil {
			for k, id := range t.users {
				name := ""
				if m := s.dir.members[e.corpID][k]; m != nil {
					name = m.Name
				}
				users = append(users, map[string]any{"userid": id, "name": name})
			}
			sort.Slice(users, func(i, j int) bool { return users[i]["userid"].(string) < users[j]["userid"].(string) })
			for p := range t.parties {
				parties = append(parties, p)
			}
			sort.Slice(parties, func(i, j int) bool { return parties[i] < parties[j] })
		}
		name := ""
		if t != nil {
			name = t.name
		}
		blocks = append(blocks, mustJSON(map[string]any{"tagname": name, "userlist": users, "partylist": parties}))
	}
	for _, plain := range blocks {
		ct := exportEncrypt(e.key, plain)
		id := randomHex(12)
		s.batch.files[id] = ct
		sum := md5.Sum(ct)
		e.files = append(e.files, exportFileInfo{URL: s.URL + "/_fake/export/file?id=" + id, Size: len(ct), MD5: hex.EncodeToString(sum[:])})
	}
}

func (s *Server) sortedMembersLocked(corpID string) []*Member {
	ms := make([]*Member, 0, len(s.dir.members[corpID]))
	for _, m := range s.dir.members[corpID] {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].UserID < ms[j].UserID })
	return ms
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("wecomtest: " + err.Error())
	}
	return b
}

// exportEncrypt encrypts plain as WeCom encrypts export files.
func exportEncrypt(key, plain []byte) []byte {
	pad := 32 - len(plain)%32
	buf := make([]byte, len(plain)+pad)
	copy(buf, plain)
	for i := len(plain); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(errors.New("wecomtest: " + err.Error()))
	}
	cipher.NewCBCEncrypter(block, key[:aes.BlockSize]).CryptBlocks(buf, buf)
	return buf
}
