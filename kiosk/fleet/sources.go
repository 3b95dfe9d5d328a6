package fleet

import (
	"context"
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"certkiosk/hw/printer"
	"certkiosk/kiosk/outbox"
)

// Source names, the values of certkiosk_source_up{source}.
const (
	SourceOutbox         = "outbox"
	SourcePrinter        = "printer"
	SourceReceiptPrinter = "receipt_printer"
)

// snapshot is one read of every source.
type snapshot struct {
	outbox    *outbox.Stats // nil when there is no outbox or it failed
	outboxErr error
	printers  []printerRead
}

type printerRead struct {
	name   string // "document" or "receipt"
	source string // SourcePrinter or SourceReceiptPrinter
	status printer.Status
	err    error
}

// read asks every source at once, each bounded by the source timeout. A source that does not
// answer in time counts as failed; its call is left to finish on its own.
func (m *Metrics) read(ctx context.Context) snapshot {
	ctx, cancel := context.WithTimeout(ctx, m.opts.SourceTimeout)
	defer cancel()
	var snap snapshot
	var wg sync.WaitGroup
	if m.opts.Outbox != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snap.outbox, snap.outboxErr = readOutbox(ctx, m.opts.Outbox)
		}()
	}
	for _, p := range []struct {
		name, source string
		src          PrinterSource
	}{{"document", SourcePrinter, m.opts.Printer}, {"receipt", SourceReceiptPrinter, m.opts.ReceiptPrinter}} {
		if p.src == nil {
			continue
		}
		snap.printers = append(snap.printers, printerRead{name: p.name, source: p.source})
	}
	for i := range snap.printers {
		pr := &snap.printers[i]
		src := m.opts.Printer
		if pr.source == SourceReceiptPrinter {
			src = m.opts.ReceiptPrinter
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr.status, pr.err = readPrinter(ctx, src)
		}()
	}
	wg.Wait()
	return snap
}

func readOutbox(ctx context.Context, ob OutboxSource) (*outbox.Stats, error) {
	type res struct {
		s   outbox.Stats
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := ob.Stats()
		ch <- res{s, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, fmt.Errorf("read outbox: %w", r.err)
		}
		return &r.s, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("read outbox: %w", ctx.Err())
	}
}

func readPrinter(ctx context.Context, p PrinterSource) (printer.Status, error) {
	type res struct {
		s   printer.Status
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := p.Status(ctx)
		ch <- res{s, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return printer.Status{}, fmt.Errorf("read printer status: %w", r.err)
		}
		return r.s, nil
	case <-ctx.Done():
		return printer.Status{}, fmt.Errorf("read printer status: %w", ctx.Err())
	}
}

// sourceCollector reads the outbox and the printers at scrape time.
type sourceCollector struct{ m *Metrics }

var (
	descSourceUp = prometheus.NewDesc(ns+"_source_up",
		"1 when the source answered this scrape, 0 when it failed or timed out.", []string{"source"}, nil)
	descOutboxPending  = prometheus.NewDesc(ns+"_outbox_pending", "Records waiting for delivery to the center.", nil, nil)
	descOutboxDead     = prometheus.NewDesc(ns+"_outbox_dead", "Records the center refused (dead letters).", nil, nil)
	descOutboxHeadroom = prometheus.NewDesc(ns+"_outbox_headroom", "Records that can still be appended.", nil, nil)
	descOutboxCapacity = prometheus.NewDesc(ns+"_outbox_capacity", "Records the outbox may hold.", nil, nil)
	descOutboxOldest   = prometheus.NewDesc(ns+"_outbox_oldest_age_seconds",
		"Age of the oldest pending record; 0 when none waits.", nil, nil)
	descOutboxLastDelivered = prometheus.NewDesc(ns+"_outbox_last_delivered_timestamp_seconds",
		"Unix time of the last delivery; 0 before the first.", nil, nil)
	descOutboxLastError = prometheus.NewDesc(ns+"_outbox_last_error_timestamp_seconds",
		"Unix time of the last delivery error; 0 when none.", nil, nil)
	descPrinterReady = prometheus.NewDesc(ns+"_printer_ready",
		"1 when the printer can take a job now.", []string{"printer"}, nil)
	descPrinterFault = prometheus.NewDesc(ns+"_printer_faults",
		"1 while the printer reports the fault.", []string{"printer", "fault"}, nil)
)

func (c *sourceCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSourceUp, descOutboxPending, descOutboxDead, descOutboxHeadroom,
		descOutboxCapacity, descOutboxOldest, descOutboxLastDelivered, descOutboxLastError, descPrinterReady,
		descPrinterFault} {
		ch <- d
	}
}

func (c *sourceCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	snap := m.read(context.Background())
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if m.opts.Outbox != nil {
		gauge(descSourceUp, b2f(snap.outbox != nil), SourceOutbox)
		if s := snap.outbox; s != nil {
			gauge(descOutboxPending, float64(s.Pending))
			gauge(descOutboxDead, float64(s.Dead))
			gauge(descOutboxHeadroom, float64(s.Headroom))
			gauge(descOutboxCapacity, float64(s.Capacity))
			gauge(descOutboxOldest, max(0, s.OldestAge(m.opts.Now()).Seconds()))
			gauge(descOutboxLastDelivered, unix(s.LastDeliveredAt.UnixNano(), s.LastDeliveredAt.IsZero()))
			gauge(descOutboxLastError, unix(s.LastErrorAt.UnixNano(), s.LastErrorAt.IsZero()))
		}
	}
	for _, p := range snap.printers {
		gauge(descSourceUp, b2f(p.err == nil), p.source)
		if p.err != nil {
			continue
		}
		gauge(descPrinterReady, b2f(p.status.Ready()), p.name)
		on := map[string]bool{}
		for _, f := range p.status.Faults {
			on[driverFault(f)] = true
		}
		for _, f := range driverFaults {
			gauge(descPrinterFault, b2f(on[string(f)]), p.name, string(f))
		}
	}
}

func unix(nanos int64, zero bool) float64 {
	if zero {
		return 0
	}
	return float64(nanos) / 1e9
}
