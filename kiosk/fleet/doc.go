// Package fleet is the kiosk's fleet-facing view of itself: Prometheus metrics and a health
// endpoint, served on loopback only (a site's node exporter or agent scrapes them locally).
//
// It owns:
//   - Metrics: counters fed by the session machine's observer (kiosk.Runner.Observe) — sessions,
//     copies printed, refusals by code, outcomes, money in and out, print faults, screens entered,
//     out-of-service reasons — and gauges read from their sources at scrape time: the outbox
//     (depth, dead letters, headroom, age of the oldest record) and the printers (ready, faults).
//     A source that fails or does not answer within the timeout shows as
//     certkiosk_source_up{source="…"} 0; the scrape still answers 200.
//   - the health handler (GET /healthz): ok, degraded or out_of_service with reasons, 503 when
//     out of service;
//   - Serve, which refuses any listen address that is not loopback;
//   - LogObserver, the machine's journal as log/slog records (codes only), and Chain, since the
//     Runner takes one observer.
//
// Metrics (all prefixed certkiosk_): sessions_total, sessions_ended_total,
// session_duration_seconds, issuances_total{type}, copies_printed_total, refusals_total{code},
// outcomes_total{key}, print_faults_total{fault}, outbox_records_total{kind},
// screen_entries_total{screen}, journal_alarms_total{code}, pin_resets_total{result},
// pin_blocked_total, payments_yen_total, fees_yen_total, change_yen_total, refunds_yen_total,
// refunds_owed_yen_total, out_of_service{reason}, screen{screen}, source_up{source},
// outbox_pending, outbox_dead, outbox_headroom, outbox_capacity, outbox_oldest_age_seconds,
// outbox_last_delivered_timestamp_seconds, outbox_last_error_timestamp_seconds,
// printer_ready{printer}, printer_faults{printer,fault}, selftest_check{check},
// selftest_check_skipped{check}, selftest_check_seconds{check}, selftest_failed,
// selftest_timestamp_seconds, build_info{module,version,revision,modified,goversion,goos,goarch,
// config_sha256}; plus Go runtime and process metrics (go_*, process_*).
//
// Sessions are counted from the machine's transaction id appearing and being dropped (so aborted
// sessions end too); copies, refusals and print faults from the machine's own journal entries
// (a late answer the machine ignored is not counted); issuances from completion records; money
// from the machine's running totals.
//
// Privacy: every label value comes from a closed code list (refusal codes, outcome keys,
// certificate types, screens, fault codes, check names) and is checked again before use;
// anything else is counted as "other". Nothing personal is ever read: no names, member data,
// certificate bytes or PINs — only counts, codes, amounts and durations. Observe reads the
// machine's State only for its screen, service flags and running money totals.
//
// Observe is called in the machine's loop: it takes one uncontended mutex and updates atomic
// counters, never waits on I/O. Sources are read only when /metrics or /healthz is asked.
//
// fleet imports kiosk (types only), kiosk/outbox (Stats), hw/printer (Status) and hw/selftest
// (Report, build info). It must never import fyne, scard, the ui or a cmd package (imports_test.go
// checks), and nothing in kiosk may import fleet (kiosk imports no net/http). cmd/kiosk wires it:
//
//	m := fleet.New(fleet.Options{Outbox: ob, Printer: doc, ReceiptPrinter: slips, ConfigSHA256: cfg.Source.SHA256})
//	runner.Observe(m.Observe)
//	m.SetSelfTest(bootReport)
//	go fleet.Serve(ctx, cfg.Metrics.Listen, m.Handler())
package fleet
