package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	demoCorpID      = "wwdemocontacts"
	demoAgentID     = 1000002
	demoChangeEvery = 3 * time.Second
	demoInterval    = 5 * time.Second
)

// demoEnv is an in-process fake WeCom whose directory keeps changing.
type demoEnv struct {
	srv                   *wecomtest.Server
	appSecret, syncSecret string
	tempData              string
	stop                  context.CancelFunc
	wg                    sync.WaitGroup
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func startDemo(ctx context.Context, logger *slog.Logger) *demoEnv {
	d := &demoEnv{appSecret: "demo-app-" + randomHex(8), syncSecret: "demo-sync-" + randomHex(8)}
	d.srv = wecomtest.NewServer(
		wecomtest.WithApp(demoCorpID, wecomtest.App{AgentID: demoAgentID, Secret: d.appSecret}),
		wecomtest.WithContactSyncSecret(demoCorpID, d.syncSecret),
	)
	d.srv.GenerateDirectory(demoCorpID, 5, 20)
	ctx, d.stop = context.WithCancel(ctx)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		t := time.NewTicker(demoChangeEvery)
		defer t.Stop()
		for step := 1; ; step++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			what := d.change(step)
			logger.Info("demo: the fake WeCom's directory changed", slog.String("change", what))
		}
	}()
	return d
}

// change makes the step-th change: a new member, a move, a new position, a
// departure, a renamed department, in turn.
func (d *demoEnv) change(step int) string {
	ms := d.srv.Members(demoCorpID)
	switch step % 5 {
	case 1:
		id := fmt.Sprintf("new%03d", step)
		d.srv.AddMember(demoCorpID, wecomtest.Member{UserID: id, Name: "新同事" + id, Position: "实习生", Department: []int64{int64(step%5 + 1)}})
		return "added member " + id
	case 2:
		m := ms[step%len(ms)]
		m.Department = []int64{int64((m.Department[0])%5 + 1)}
		d.srv.AddMember(demoCorpID, m)
		return "moved member " + m.UserID
	case 3:
		m := ms[step%len(ms)]
		m.Position = fmt.Sprintf("高级%s", m.Position)
		d.srv.AddMember(demoCorpID, m)
		return "promoted member " + m.UserID
	case 4:
		m := ms[step%len(ms)]
		d.srv.RemoveMember(demoCorpID, m.UserID)
		return "removed member " + m.UserID
	default:
		dep := d.srv.Departments(demoCorpID)[step%5]
		dep.Name = fmt.Sprintf("%s（第%d版）", dep.Name, step)
		d.srv.AddDepartment(demoCorpID, dep)
		return fmt.Sprintf("renamed department %d", dep.ID)
	}
}

// configure points cfg at the fake WeCom; without -data the snapshot goes
// to a temporary file, without -interval syncs come every 5 seconds.
func (d *demoEnv) configure(cfg config) config {
	cfg.CorpID = demoCorpID
	cfg.AgentID = demoAgentID
	cfg.ContactSecret = wecom.Secret(d.syncSecret)
	cfg.Secret = wecom.Secret(d.appSecret)
	cfg.BaseURL = d.srv.URL
	if !cfg.dataGiven {
		cfg.Data = demoDataFile()
		d.tempData = cfg.Data
	}
	if !cfg.intervalGiven {
		cfg.Interval = demoInterval
	}
	return cfg
}

func (d *demoEnv) Close() {
	d.stop()
	d.wg.Wait()
	d.srv.Close()
	if d.tempData != "" {
		_ = os.Remove(d.tempData)
	}
}
