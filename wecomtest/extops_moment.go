package wecomtest

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"
)

// Moments (docs 95094, 97612, 93333). add_moment_task answers a jobid;
// the job is running at its first poll and done at its second (the
// server's choice), with the moment's id. The senders are the members
// named, the directory members of the departments named, or, with
// neither, every member with customers (the stand-in for the app's
// visible range); a sender without customers is an invalid sender. Each
// sender's customers (those carrying one of the tags, when tags are named)
// are the moment's chosen customers; [Server.PublishMoment] publishes a
// sender's task, after which those of the chosen customers still theirs
// can see it, and [Server.CommentMoment] adds comments and likes.

const (
	momentMaxImages  = 9
	momentMaxText    = 2000
	momentMaxSenders = 100000
	momentListSpan   = 30 * 24 * 3600
)

type momentJob struct {
	polls    int
	momentID string
	errcode  int
	badUsers []string
	badDeps  []int64
	badTags  []string
}

type moment struct {
	id          string
	created     time.Time
	text        *wireText
	attachments []wireAttachment
	tagged      bool
	cancelled   bool
	senders     []string
	chosen      map[string][]string  // sender → customers chosen
	published   map[string]time.Time // sender → when published
	comments    map[string][]momentAct
	likes       map[string][]momentAct
}

type momentAct struct {
	externalUserID, userID string
	at                     time.Time
}

// ErrMoment is returned by [Server.PublishMoment] and
// [Server.CommentMoment] for a task that cannot take the action.
var ErrMoment = errors.New("wecomtest: no such moment task")

func (o *opsCorp) momentLocked(id string) *moment {
	for _, m := range o.moments {
		if m.id == id {
			return m
		}
	}
	return nil
}

// PublishMoment publishes member userID's task of moment momentID, as the
// member does in their client.
func (s *Server) PublishMoment(corpID, momentID, userID string) error {
	now := s.now()
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	m := s.opsLocked(corpID).momentLocked(momentID)
	if m == nil || m.cancelled || !slices.Contains(m.senders, userID) {
		return fmt.Errorf("%w: %s for %s", ErrMoment, momentID, userID)
	}
	if _, done := m.published[userID]; !done {
		m.published[userID] = now
	}
	return nil
}

// CommentMoment records a comment (or, with like, a like) on member
// userID's published moment momentID by customer externalUserID, or, when
// externalUserID is "", by the member byUserID.
func (s *Server) CommentMoment(corpID, momentID, userID, externalUserID, byUserID string, like bool) error {
	now := s.now()
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	m := s.opsLocked(corpID).momentLocked(momentID)
	if m == nil {
		return fmt.Errorf("%w: %s", ErrMoment, momentID)
	}
	if _, done := m.published[userID]; !done {
		return fmt.Errorf("%w: %s is not published by %s", ErrMoment, momentID, userID)
	}
	act := momentAct{externalUserID: externalUserID, userID: byUserID, at: now}
	if like {
		m.likes[userID] = append(m.likes[userID], act)
	} else {
		m.comments[userID] = append(m.comments[userID], act)
	}
	return nil
}

// handleAddMomentTask serves POST externalcontact/add_moment_task.
func (s *Server) handleAddMomentTask(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		Text         *wireText        `json:"text"`
		Attachments  []wireAttachment `json:"attachments"`
		VisibleRange *struct {
			SenderList *struct {
				UserList       []string `json:"user_list"`
				DepartmentList []int64  `json:"department_list"`
			} `json:"sender_list"`
			ExternalContactList *struct {
				TagList []string `json:"tag_list"`
			} `json:"external_contact_list"`
		} `json:"visible_range"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if (b.Text == nil || b.Text.Content == "") && len(b.Attachments) == 0 {
		writeError(w, 40058, "text and attachments are both empty")
		return
	}
	if b.Text != nil && utf8.RuneCountInString(b.Text.Content) > momentMaxText {
		writeError(w, 40058, "invalid text size")
		return
	}
	kinds := map[string]int{}
	for i := range b.Attachments {
		a := &b.Attachments[i]
		if (a.MsgType != "image" && a.MsgType != "video" && a.MsgType != "link") || !a.valid() ||
			(a.MsgType == "link" && (a.Link.MediaID == "" || len(a.Link.Title) > 64)) {
			// doc 95094: a moment's link requires url and media_id (its
			// cover); its title is at most 64 bytes.
			writeError(w, 40058, "invalid attachment "+a.MsgType)
			return
		}
		kinds[a.MsgType]++
	}
	if len(kinds) > 1 || kinds["image"] > momentMaxImages || kinds["video"] > 1 || kinds["link"] > 1 {
		writeError(w, 40058, "a moment takes up to 9 images, or one video, or one link")
		return
	}
	var users, tags []string
	var deps []int64
	if vr := b.VisibleRange; vr != nil {
		if vr.SenderList != nil {
			users, deps = vr.SenderList.UserList, vr.SenderList.DepartmentList
		}
		if vr.ExternalContactList != nil {
			tags = vr.ExternalContactList.TagList
		}
	}
	if len(users) > momentMaxSenders {
		writeError(w, 40058, "at most 100000 senders")
		return
	}
	byDep := s.membersIn(caller.CorpID, deps)
	now := s.now()
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	ec, o := s.ext.corpLocked(caller.CorpID), s.opsLocked(caller.CorpID)
	job := &momentJob{}
	var senders []string
	addSender := func(u string) {
		if len(ec.byUser[u]) == 0 {
			if !slices.Contains(job.badUsers, u) {
				job.badUsers = append(job.badUsers, u)
			}
			return
		}
		if !slices.Contains(senders, u) {
			senders = append(senders, u)
		}
	}
	for _, u := range users {
		addSender(u)
	}
	for _, d := range deps {
		if len(byDep[d]) == 0 {
			job.badDeps = append(job.badDeps, d)
		}
		for _, u := range byDep[d] {
			addSender(u)
		}
	}
	if len(users) == 0 && len(deps) == 0 {
		senders = slices.Clone(ec.users)
	}
	var goodTags []string
	for _, t := range tags {
		if _, tag := ec.tagLocked(t); tag == nil {
			job.badTags = append(job.badTags, t)
		} else {
			goodTags = append(goodTags, t)
		}
	}
	jobID := o.nextID("job")
	o.jobs[jobID] = job
	if len(senders) == 0 {
		job.errcode = 40058 // no valid sender: the server's choice
		writeOK(w, map[string]any{"jobid": jobID})
		return
	}
	m := &moment{id: o.nextID("mom"), created: now, text: b.Text, attachments: b.Attachments, tagged: len(tags) > 0, senders: senders,
		chosen: map[string][]string{}, published: map[string]time.Time{}, comments: map[string][]momentAct{}, likes: map[string][]momentAct{}}
	for _, u := range senders {
		for _, x := range ec.byUser[u] {
			f := ec.customers[x].follow(u)
			if len(tags) == 0 || slices.ContainsFunc(goodTags, func(t string) bool { return slices.Contains(f.tags, t) }) {
				m.chosen[u] = append(m.chosen[u], x)
			}
		}
	}
	o.moments = append(o.moments, m)
	job.momentID = m.id
	writeOK(w, map[string]any{"jobid": jobID})
}

// handleMomentTaskResult serves GET externalcontact/get_moment_task_result.
func (s *Server) handleMomentTaskResult(w http.ResponseWriter, r *http.Request, caller Caller) {
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	job := s.opsLocked(caller.CorpID).jobs[r.URL.Query().Get("jobid")]
	if job == nil {
		writeError(w, 40058, "invalid jobid")
		return
	}
	job.polls++
	if job.polls < 2 {
		writeOK(w, map[string]any{"status": 2, "type": "add_moment_task"})
		return
	}
	res := map[string]any{"errcode": job.errcode, "errmsg": "ok", "moment_id": job.momentID,
		"invalid_sender_list":           map[string]any{"user_list": nonNil(job.badUsers), "department_list": nonNil(job.badDeps)},
		"invalid_external_contact_list": map[string]any{"tag_list": nonNil(job.badTags)}}
	if job.errcode != 0 {
		res["errmsg"] = "no valid sender"
	}
	writeOK(w, map[string]any{"status": 3, "type": "add_moment_task", "result": res})
}

// momentFor finds a body naming a moment_id and finds the moment,
// answering 40058 for one the server does not hold.
func (s *Server) momentFor(w http.ResponseWriter, o *opsCorp, id string) *moment {
	m := o.momentLocked(id)
	if m == nil {
		writeError(w, 40058, "invalid moment_id")
	}
	return m
}

// handleCancelMomentTask serves POST externalcontact/cancel_moment_task.
func (s *Server) handleCancelMomentTask(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		MomentID string `json:"moment_id"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	if m := s.momentFor(w, s.opsLocked(caller.CorpID), b.MomentID); m != nil {
		m.cancelled = true
		writeOK(w, nil)
	}
}

// handleMomentList serves POST externalcontact/get_moment_list: 30 days
// at most; the server's moments are all 企业发表 (create_type 0).
func (s *Server) handleMomentList(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		StartTime  int64  `json:"start_time"`
		EndTime    int64  `json:"end_time"`
		Creator    string `json:"creator"`
		FilterType *int   `json:"filter_type"`
		Cursor     string `json:"cursor"`
		Limit      int    `json:"limit"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if b.EndTime < b.StartTime || b.EndTime-b.StartTime > momentListSpan {
		writeError(w, 40058, "start_time to end_time: at most 30 days")
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	var rows []map[string]any
	for _, m := range s.opsLocked(caller.CorpID).moments {
		at := m.created.Unix()
		if at < b.StartTime || at > b.EndTime || b.Creator != "" || (b.FilterType != nil && *b.FilterType == 1) {
			continue
		}
		visible := 1
		if m.tagged {
			visible = 0
		}
		row := map[string]any{"moment_id": m.id, "create_time": at, "create_type": 0, "visible_type": visible}
		if m.text != nil {
			row["text"] = m.text
		}
		var images []map[string]string
		for _, a := range m.attachments {
			switch a.MsgType {
			case "image":
				images = append(images, map[string]string{"media_id": a.Image.MediaID})
			case "video":
				row["video"] = map[string]string{"media_id": a.Video.MediaID, "thumb_media_id": ""}
			case "link":
				row["link"] = map[string]string{"title": a.Link.Title, "url": a.Link.URL}
			}
		}
		if images != nil {
			row["image"] = images
		}
		rows = append(rows, row)
	}
	writePage(w, "moment_list", rows, b.Cursor, limitOf(b.Limit, 20, 20))
}

// handleMomentTask serves POST externalcontact/get_moment_task.
func (s *Server) handleMomentTask(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		MomentID string `json:"moment_id"`
		Cursor   string `json:"cursor"`
		Limit    int    `json:"limit"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	m := s.momentFor(w, s.opsLocked(caller.CorpID), b.MomentID)
	if m == nil {
		return
	}
	var rows []map[string]any
	for _, u := range m.senders {
		st := 0
		if _, done := m.published[u]; done {
			st = 1
		}
		rows = append(rows, map[string]any{"userid": u, "publish_status": st})
	}
	writePage(w, "task_list", rows, b.Cursor, limitOf(b.Limit, 500, 1000))
}

// handleMomentCustomers serves POST externalcontact/get_moment_customer_list
// (the customers chosen at creation) and, with reached, get_moment_send_result
// (those of them the published moment reaches: still the member's).
func (s *Server) handleMomentCustomers(reached bool) HandlerFunc {
	def, most := 500, 1000
	if reached {
		def, most = 3000, 5000
	}
	return func(w http.ResponseWriter, r *http.Request, caller Caller) {
		var b struct {
			MomentID string `json:"moment_id"`
			UserID   string `json:"userid"`
			Cursor   string `json:"cursor"`
			Limit    int    `json:"limit"`
		}
		if !decodeBody(w, r, &b) {
			return
		}
		s.ext.mu.Lock()
		defer s.ext.mu.Unlock()
		ec := s.ext.corpLocked(caller.CorpID)
		m := s.momentFor(w, s.opsLocked(caller.CorpID), b.MomentID)
		if m == nil {
			return
		}
		var rows []map[string]any
		_, published := m.published[b.UserID]
		for _, x := range m.chosen[b.UserID] {
			switch {
			case !reached:
				rows = append(rows, map[string]any{"userid": b.UserID, "external_userid": x})
			case published && ec.followsLocked(b.UserID, x):
				rows = append(rows, map[string]any{"external_userid": x})
			}
		}
		writePage(w, "customer_list", rows, b.Cursor, limitOf(b.Limit, def, most))
	}
}

// handleMomentComments serves POST externalcontact/get_moment_comments.
func (s *Server) handleMomentComments(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		MomentID string `json:"moment_id"`
		UserID   string `json:"userid"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	m := s.momentFor(w, s.opsLocked(caller.CorpID), b.MomentID)
	if m == nil {
		return
	}
	rows := func(acts []momentAct) []map[string]any {
		out := []map[string]any{}
		for _, a := range acts {
			row := map[string]any{"create_time": a.at.Unix()}
			if a.externalUserID != "" {
				row["external_userid"] = a.externalUserID
			} else {
				row["userid"] = a.userID
			}
			out = append(out, row)
		}
		return out
	}
	writeOK(w, map[string]any{"comment_list": rows(m.comments[b.UserID]), "like_list": rows(m.likes[b.UserID])})
}
