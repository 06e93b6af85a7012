// Command yimen runs a township service hall: the kiosk, the clerks'
// windows, the lobby screens, the ticket printer and the window devices.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/yimen-hall/yimen/queue"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches the subcommands and turns errors into exit statuses:
// 2 for a bad command line or hall file, 1 for anything else.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if cmd == "serve" && len(args) > 0 && isHelp(args[0]) {
		cmd = "help"
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args, stderr)
	case "print-test":
		err = printTest(ctx, args, stdout)
	case "ports":
		err = ports(args, stdout)
	case "bench":
		err = bench(ctx, args, stdout)
	case "check":
		err = checkData(args, stdout)
	case "backup":
		err = backupData(args, stdout)
	case "restore":
		err = restoreData(args, stdout)
	case "simulate-devices":
		err = simulateDevices(ctx, args, stdout)
	case "hall":
		err = hallCmd(args, stdout)
	case "reset-password":
		err = resetPassword(args, stdout)
	case "county":
		err = countyCmd(ctx, args, stdout, stderr)
	case "help":
		printUsage(stdout)
		return 0
	default:
		err = usageError{fmt.Errorf("unknown command %q (try: serve, county, check, backup, restore, hall, reset-password, print-test, ports, bench, simulate-devices)", cmd)}
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		printUsage(stdout)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "yimen: %v\n", err)
		return 2
	case errors.Is(err, queue.ErrDamaged):
		fmt.Fprintf(stderr, "yimen: %v\n", err)
		return exitDamaged
	default:
		fmt.Fprintf(stderr, "yimen: %v\n", err)
		return 1
	}
}

// exitDamaged is the exit status for a data directory that cannot be
// trusted (yimen check says what is wrong); 2 is a bad command line.
const exitDamaged = 3

// usageError marks errors of the command line or the hall file: exit 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// printUsage writes the commands and every flag of serve, from the flag
// set itself so that the two never disagree.
func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	fs := NewMain(io.Discard).flagSet()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, usageMore)
}

const usage = `yimen — 一门 便民服务中心排队叫号系统

usage:
  yimen [serve] [flags]              run the hall (flags below)
`

const usageMore = `
  environment: YIMEN_ADDR, YIMEN_DATA, YIMEN_HALL, YIMEN_PRINTER, YIMEN_PUBLIC_URL,
  YIMEN_ADMIN_PASSWORD, YIMEN_VOICE_DIR, YIMEN_BACKUP_DIR, YIMEN_HALL_ID, YIMEN_COUNTY_CREDS give the defaults of the flags above.

other commands:
  yimen county --nats nats://HUB:4222 [--nats-creds F] [--addr :8090] [--data DIR] [--hall ID]...
                                     the county's pages over its NATS hub (docs/county/deploy.md)
  yimen hall export [--data DIR] > hall.json   the live hall as a hall file (PIN hashes kept)
  yimen print-test --printer URI     print a sample ticket and the printer's status
  yimen ports                        list serial ports with their USB VID:PID
  yimen check DIR                    verify a data directory offline (exit 3 when damaged)
  yimen backup DIR --to FILE         copy a stopped daemon's hall file (a running one: --backup-dir)
  yimen restore FILE --data DIR [--replace]   put a checked backup in place
  yimen simulate-devices TARGET      play a call pad, rating pad and LED board
                                     (pty | serial:/dev/ttyUSB1?baud=9600 | ws://HOST:PORT/ws/device)
  yimen bench [floor|issue|fanout|startup|memory|login|county|county-link]  measure the daemon (county: yimen county; county-link: the hall's link) on this machine
`

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	m := NewMain(stderr)
	if err := m.ParseFlags(args); err != nil {
		return err
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.logger.Info("stopping")
	return m.Close()
}
