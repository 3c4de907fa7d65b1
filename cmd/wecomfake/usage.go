package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// usage prints -h: how to run the fake, its flags, and every subcommand
// with one example.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `wecomfake runs a fake WeCom (企业微信) on one address and prints the
credentials it accepts as environment lines; its subcommands drive it.

Usage:
  wecomfake [flags]                  run the fake
  wecomfake COMMAND [ARGS] [-addr URL]
                                     drive a running fake at -addr
                                     (default $WECOMFAKE_URL, else http://`+defaultListen+`)

Flags of the fake:
`)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n      %s\n      e.g. %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary, c.example)
	}
	fmt.Fprintln(w, "\nThe control surface (HTTP under /_fake/) has no authentication: keep the fake on loopback.")
}
