package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/yimen-hall/yimen/county"
	"github.com/yimen-hall/yimen/federation"
)

// countyCmd is `yimen county`: the county's web service over its NATS hub
// (docs/county/deploy.md).
func countyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("yimen county", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var c county.Config
	var hubs []string
	fs.Var(listFlag{&hubs}, "nats", "the county hub, nats://HUB:4222 (repeatable for a cluster)")
	fs.StringVar(&c.Creds, "nats-creds", envOr("YIMEN_COUNTY_NATS_CREDS", ""), "file holding USER:PASSWORD of the county service on the hub")
	fs.StringVar(&c.Addr, "addr", envOr("YIMEN_COUNTY_ADDR", ":8090"), "HTTP address of the county pages")
	fs.StringVar(&c.Data, "data", envOr("YIMEN_COUNTY_DATA", "./county-data"), "data directory (county.db)")
	fs.Var(listFlag{&c.Halls}, "hall", "a hall id to source before its first hello (repeatable)")
	pwFile := fs.String("admin-password-file", "", "set the county admin's password from this file's first line")
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Errorf("county: %w", err)}
	}
	if len(hubs) == 0 {
		if v := envOr("YIMEN_COUNTY_NATS", ""); v != "" {
			hubs = strings.Split(v, ",")
		}
	}
	if len(hubs) == 0 {
		return usageError{fmt.Errorf("county: give the hub with --nats nats://HUB:4222")}
	}
	c.NATS = hubs
	for _, id := range c.Halls {
		if err := federation.CheckHallID(id); err != nil {
			return usageError{fmt.Errorf("county: --hall: %w", err)}
		}
	}
	if *pwFile != "" {
		pw, err := readPasswordFile(*pwFile)
		if err != nil {
			return usageError{fmt.Errorf("county: %w", err)}
		}
		c.AdminPassword = pw
	}
	c.Stdout = stdout
	c.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return county.Run(ctx, c)
}
