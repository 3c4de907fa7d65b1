package main

import (
	"fmt"
	"runtime/debug"
)

// buildInfo is the build information the running binary carries; tests
// replace it.
var buildInfo = debug.ReadBuildInfo

func runVersion(e *env, args []string) error {
	f := newFlags(e, "version", "wecomkit version [--json]  (or: wecomkit --version)",
		`Prints the version of wecomkit, read from the build information Go
records in the binary: the module version ("(devel)" for a build from a
source tree), the VCS commit and its time when the build recorded them
("modified" when the tree had uncommitted changes), and the Go version.`,
		`wecomkit version
wecomkit --version --json`)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("version takes no arguments")
	}
	v := readVersion()
	if f.json {
		out := map[string]any{"ok": true, "version": v.version, "module": v.module, "go": v.goVersion}
		if v.revision != "" {
			out["commit"] = v.revision
			out["modified"] = v.modified
		}
		if v.time != "" {
			out["commit_time"] = v.time
		}
		if v.platform != "" {
			out["platform"] = v.platform
		}
		return printJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "wecomkit %s\n", v.version)
	if v.revision != "" {
		commit := v.revision
		if v.time != "" {
			commit += " (" + v.time + ")"
		}
		if v.modified {
			commit += ", with uncommitted changes"
		}
		fmt.Fprintf(e.stdout, "commit:  %s\n", commit)
	}
	if v.goVersion != "" {
		goLine := v.goVersion
		if v.platform != "" {
			goLine += " " + v.platform
		}
		fmt.Fprintf(e.stdout, "go:      %s\n", goLine)
	}
	return nil
}

// versionInfo is what the build information says of this binary.
type versionInfo struct {
	version, module, goVersion, revision, time, platform string
	modified                                             bool
}

func readVersion() versionInfo {
	bi, ok := buildInfo()
	if !ok || bi == nil {
		return versionInfo{version: "unknown (the binary carries no build information)"}
	}
	v := versionInfo{version: bi.Main.Version, module: bi.Main.Path, goVersion: bi.GoVersion}
	if v.version == "" {
		v.version = "(devel)"
	}
	var goos, goarch string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.revision = s.Value
		case "vcs.time":
			v.time = s.Value
		case "vcs.modified":
			v.modified = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	if goos != "" && goarch != "" {
		v.platform = goos + "/" + goarch
	}
	return v
}
