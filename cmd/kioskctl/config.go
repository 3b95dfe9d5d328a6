package main

import (
	"flag"
	"fmt"
	"io"

	"certkiosk/hw/selftest/kiosksuite"
	"certkiosk/kiosk/config"
)

func init() {
	register(command{name: "config", summary: "configuration: show (secrets masked), check", run: runConfig})
}

// runConfig shows or checks the kiosk's configuration. show prints it with the private-key path
// and the technician credential's hash masked, so it can be read out on the phone or pasted in a
// ticket; check validates it and names every key with a problem.
func runConfig(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "check") {
		fmt.Fprintln(stderr, "usage: kioskctl config show|check [-config FILE]")
		return errUsage
	}
	fs := flag.NewFlagSet("config "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", kiosksuite.DefaultConfigPath, "configuration `FILE`")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	if args[0] == "check" {
		fmt.Fprintf(stdout, "%s: valid (sha256 %s, kiosk %s)\n", cfg.Source.Path, cfg.Source.SHA256, cfg.KioskID)
		return nil
	}
	text, err := cfg.Masked().TOML()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "# %s (sha256 %s), secrets masked\n%s", cfg.Source.Path, cfg.Source.SHA256, text)
	return nil
}
