package printer_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yimen-hall/yimen/printer"
)

func ExampleOpen() {
	p, err := printer.Open("sim?width=58", printer.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	t := printer.SampleTicket(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	if err := p.Print(ctx, t); err != nil {
		var f *printer.Fault
		if errors.As(err, &f) {
			fmt.Println("not printed:", f.State, f.Detail)
		}
		return
	}
	pv := p.(printer.Previewer).Previews()
	fmt.Println(len(pv), pv[0].Number, pv[0].Bytes, "bytes")
	// Output: 1 A001 288 bytes
}

func ExampleOpen_none() {
	p, _ := printer.Open("none", printer.Options{})
	err := p.Print(context.Background(), printer.Ticket{Number: "A001"})
	fmt.Println(errors.Is(err, printer.ErrNoPrinter), p.Status().State)
	// Output: true unknown
}
