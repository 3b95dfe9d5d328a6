package kiosk

import (
	"testing"
	"time"
)

// step runs events through Step and returns the state and every effect emitted.
func stepAll(s State, es ...Event) (State, []Effect) {
	var all []Effect
	for _, e := range es {
		var effs []Effect
		s, effs = Step(s, e)
		all = append(all, effs...)
	}
	return s, all
}

func journalCodes(effs []Effect) []string {
	var out []string
	for _, j := range effectsOf[Journal](effs) {
		out = append(out, j.Entry.Code)
	}
	return out
}

func hasCode(effs []Effect, code string) bool {
	for _, c := range journalCodes(effs) {
		if c == code {
			return true
		}
	}
	return false
}

func typeCredential(s State, cred string) (State, []Effect) {
	var es []Event
	for _, r := range cred {
		es = append(es, Key{Key: r})
	}
	return stepAll(s, append(es, Key{Key: KeyEnter})...)
}

// checkAnswer answers the CheckCredential effect in effs.
func checkAnswer(t *testing.T, effs []Effect, ok bool, at time.Time) CredentialChecked {
	t.Helper()
	cc := effectsOf[CheckCredential](effs)
	if len(cc) != 1 {
		t.Fatalf("%d CheckCredential effects, want 1", len(cc))
	}
	return CredentialChecked{Req: cc[0].Req, OK: ok, At: at}
}

func TestMaintenanceKeyEntersFromIdleAndLeaves(t *testing.T) {
	s, effs := stepAll(idle(), TechnicianKey{On: true})
	if s.Screen != Maintenance || !hasCode(effs, "maintenance_on") {
		t.Fatalf("screen %s journal %v", s.Screen, journalCodes(effs))
	}
	if v := s.View(); !v.KeyOn || v.Counters.Sessions != 0 {
		t.Fatalf("view %+v", v)
	}
	s, effs = stepAll(s, TechnicianKey{On: false})
	if s.Screen != Idle || !hasCode(effs, "maintenance_off") {
		t.Fatalf("screen %s journal %v", s.Screen, journalCodes(effs))
	}
}

// The key turned while a resident is mid-session does not cut them off: maintenance begins when
// the session has ended, and turning the key back first cancels it.
func TestMaintenanceKeyWaitsForTheTransaction(t *testing.T) {
	s, effs := stepAll(loggedIn(), TechnicianKey{On: true})
	if s.Screen != Menu || s.Tx.ID == "" || !s.Maint.Pending || !hasCode(effs, "maintenance_deferred") {
		t.Fatalf("screen %s tx %q pending %v journal %v", s.Screen, s.Tx.ID, s.Maint.Pending, journalCodes(effs))
	}
	if len(effectsOf[Abort](effs)) != 0 {
		t.Fatal("the key aborted the resident's transaction")
	}
	done, _ := stepAll(s, Tap{Button: BtnCancel}) // on the menu cancel ends the session normally
	if done.Screen != Maintenance || done.Tx.ID != "" {
		t.Fatalf("after the session: screen %s tx %q", done.Screen, done.Tx.ID)
	}
	back, effs := stepAll(s, TechnicianKey{On: false}, Tap{Button: BtnCancel})
	if back.Screen != Idle || !hasCode(effs, "maintenance_cancelled") {
		t.Fatalf("key turned back: screen %s journal %v", back.Screen, journalCodes(effs))
	}
}

func TestTechnicianCredential(t *testing.T) {
	s, _ := stepAll(idle(), Tap{Button: BtnStaff})
	if s.Screen != TechnicianLogin {
		t.Fatalf("staff button: %s", s.Screen)
	}
	cred := s.Maint.Cred
	s, effs := typeCredential(s, "AB12")
	if s.View().PINLength != 0 || len(effectsOf[CheckCredential](effs)) != 1 {
		t.Fatalf("after enter: %d typed, effects %v", s.View().PINLength, effs)
	}
	if got := string(effectsOf[CheckCredential](effs)[0].Credential.Bytes()); got != "AB12" || cred.Len() != 4 {
		t.Fatalf("credential handed over %q", got)
	}
	// Keys while the check runs are not taken.
	if _, effs2 := Step(s, Key{Key: '9'}); len(effs2) != 0 {
		t.Fatalf("key during the check: %v", effs2)
	}
	in, effs2 := Step(s, checkAnswer(t, effs, true, testNow))
	if in.Screen != Maintenance || !hasCode(effs2, "maintenance_on") || in.Maint.Cred != nil {
		t.Fatalf("right credential: screen %s journal %v", in.Screen, journalCodes(effs2))
	}
	// Entered with a credential, the screens go back to the residents when left alone.
	gen := in.TimerGen
	out, effs3 := Step(in, TimerFired{Gen: gen})
	if out.Screen != Idle || !hasCode(effs3, "maintenance_off") {
		t.Fatalf("maintenance left alone: %s %v", out.Screen, journalCodes(effs3))
	}
	// With the key on they stay.
	keyed, _ := stepAll(idle(), TechnicianKey{On: true})
	if st, _ := Step(keyed, TimerFired{Gen: keyed.TimerGen}); st.Screen != Maintenance {
		t.Fatalf("keyed maintenance timed out to %s", st.Screen)
	}
}

func TestTechnicianCredentialLockout(t *testing.T) {
	cfg := DefaultConfig()
	s := NewState(cfg, "boot")
	s, _ = stepAll(s, Tap{Button: BtnStaff})
	at := testNow
	var effs []Effect
	for i := 1; i <= cfg.TechnicianAttempts; i++ {
		s, effs = typeCredential(s, "WRONG1")
		var e2 []Effect
		s, e2 = Step(s, checkAnswer(t, effs, false, at))
		if !hasCode(e2, "technician_credential_wrong") {
			t.Fatalf("attempt %d: journal %v", i, journalCodes(e2))
		}
		want := MsgTechnicianWrong
		if i == cfg.TechnicianAttempts {
			want = MsgTechnicianLocked
			if !hasCode(e2, "technician_lockout") {
				t.Fatalf("no lockout after %d: %v", i, journalCodes(e2))
			}
		}
		if s.Screen != TechnicianLogin || s.Message != want {
			t.Fatalf("attempt %d: screen %s message %q", i, s.Screen, s.Message)
		}
	}
	// Locked: even the right credential is refused until the lock-out has passed.
	s, effs = typeCredential(s, "RIGHT1")
	locked, e2 := Step(s, checkAnswer(t, effs, true, at.Add(cfg.TechnicianLockout-time.Second)))
	if locked.Screen != TechnicianLogin || !hasCode(e2, "technician_locked_out") {
		t.Fatalf("right credential while locked: %s %v", locked.Screen, journalCodes(e2))
	}
	locked, effs = typeCredential(locked, "RIGHT1")
	in, _ := Step(locked, checkAnswer(t, effs, true, at.Add(cfg.TechnicianLockout)))
	if in.Screen != Maintenance {
		t.Fatalf("right credential after the lock-out: %s", in.Screen)
	}
}

func TestTechnicianLoginLeavesNoCredential(t *testing.T) {
	s, _ := stepAll(idle(), Tap{Button: BtnStaff}, Key{Key: '1'}, Key{Key: '2'})
	buf := s.Maint.Cred
	for _, e := range []Event{Tap{Button: BtnBack}, Tap{Button: BtnCancel}, TimerFired{Gen: s.TimerGen}, TechnicianKey{On: true}} {
		b := *buf // each case starts from the same typed credential
		s2 := s
		s2.Maint.Cred = &b
		out, _ := Step(s2, e)
		if !b.IsZero() || out.Maint.Cred != nil {
			t.Errorf("%T: credential left in memory", e)
		}
		if out.Screen == TechnicianLogin {
			t.Errorf("%T: still on the sign-in screen", e)
		}
	}
}

func TestMaintenanceActions(t *testing.T) {
	s, _ := stepAll(idle(), TechnicianKey{On: true})
	s, effs := Step(s, Tap{Button: BtnMaint, Arg: string(MaintStatus)})
	m := effectsOf[Maintain](effs)
	if len(m) != 1 || m[0].Action != MaintStatus || !s.View().MaintBusy {
		t.Fatalf("status: effects %v", effs)
	}
	// A second action while one runs is not started.
	if _, e2 := Step(s, Tap{Button: BtnMaint, Arg: string(MaintJournal)}); len(effectsOf[Maintain](e2)) != 0 {
		t.Fatal("second action started while busy")
	}
	rep := MaintReport{Lines: []MaintLine{{Label: LabelOutboxPending, Value: "3"}}}
	s, _ = Step(s, Maintained{Req: m[0].Req, Action: MaintStatus, Report: rep})
	if v := s.View(); v.MaintBusy || v.MaintReport == nil || v.MaintReport.Lines[0].Value != "3" || v.MaintPage != MaintStatus {
		t.Fatalf("view after report: %+v", v)
	}
	// A stale answer (an earlier request) is dropped.
	if _, e2 := Step(s, Maintained{Req: m[0].Req, Action: MaintStatus}); hasCode(e2, "maintenance_action") || len(e2) == 0 {
		t.Fatalf("stale answer: %v", journalCodes(e2))
	}
	// Unknown actions do nothing.
	if _, e2 := Step(s, Tap{Button: BtnMaint, Arg: "format_disk"}); len(e2) != 0 {
		t.Fatalf("unknown action: %v", e2)
	}
	// Out of service on, exit: the residents see OutOfService until it is put back.
	s, effs = stepAll(s, Tap{Button: BtnMaint, Arg: string(MaintServiceOff)}, Tap{Button: BtnMaint, Arg: string(MaintExit)})
	if s.Screen != OutOfService || s.Flags&FlagTechnician == 0 || !hasCode(effs, "maintenance_service_off") {
		t.Fatalf("after service off and exit: %s flags %#x %v", s.Screen, s.Flags, journalCodes(effs))
	}
	if st, _ := Step(s, Tap{Button: BtnStart}); st.Screen != OutOfService {
		t.Fatal("a session started while a technician had the kiosk out of service")
	}
	// From the out-of-service screen the technician signs in and puts it back.
	s, _ = stepAll(s, Tap{Button: BtnStaff})
	s, effs = typeCredential(s, "OK1234")
	s, _ = stepAll(s, checkAnswer(t, effs, true, testNow), Tap{Button: BtnMaint, Arg: string(MaintServiceOn)},
		Tap{Button: BtnMaint, Arg: string(MaintExit)})
	if s.Screen != Idle || s.Flags != 0 {
		t.Fatalf("after service on and exit: %s flags %#x", s.Screen, s.Flags)
	}
}

// Nobody reaches the credential keypad from inside a resident's session.
func TestStaffButtonOnlyOutsideSessions(t *testing.T) {
	if s, effs := Step(loggedIn(), Tap{Button: BtnStaff}); s.Screen != Menu || len(effs) != 0 {
		t.Fatalf("staff button in a session: %s %v", s.Screen, effs)
	}
}

// The screen offers back in service while something the technician clears is raised, and out
// of service otherwise; pressing what is offered does what it says.
func TestMaintenanceOffersTheServiceSwitch(t *testing.T) {
	s, _ := stepAll(idle(), TechnicianKey{On: true})
	offer := s.View().MaintOffer
	if n := len(offer); n != len(MaintActions)+2 || offer[n-2] != MaintServiceOff || offer[n-1] != MaintExit {
		t.Fatalf("all in service: offer %v", offer)
	}
	s, _ = stepAll(s, Tap{Button: BtnMaint, Arg: string(offer[len(offer)-2])})
	if s.Flags != FlagTechnician {
		t.Fatalf("after %s flags %#x", offer[len(offer)-2], s.Flags)
	}
	offer = s.View().MaintOffer
	if offer[len(offer)-2] != MaintServiceOn {
		t.Fatalf("out of service: offer %v", offer)
	}
	s, _ = stepAll(s, Tap{Button: BtnMaint, Arg: string(offer[len(offer)-2])})
	if s.Flags != 0 {
		t.Fatalf("after %s flags %#x", offer[len(offer)-2], s.Flags)
	}
	if v := idle().View(); v.MaintOffer != nil {
		t.Errorf("the attract screen offers %v", v.MaintOffer)
	}
}

// Putting the kiosk back in service clears what a technician repairs (paper, printer, cashbox),
// not a full outbox or a failed self-test, which only their cause going away clears.
func TestServiceOnClearsRepairedFaults(t *testing.T) {
	s := idle()
	s.Flags = FlagPaperOut | FlagPrinterFault | FlagOutboxFull
	s.Screen = OutOfService
	s, _ = stepAll(s, TechnicianKey{On: true})
	s, effs := stepAll(s, Tap{Button: BtnMaint, Arg: string(MaintServiceOn)})
	if s.Flags != FlagOutboxFull || !hasCode(effs, "maintenance_service_on") {
		t.Fatalf("flags %#x journal %v", s.Flags, journalCodes(effs))
	}
	if s, _ = stepAll(s, TechnicianKey{On: false}); s.Screen != OutOfService {
		t.Fatalf("outbox still full, yet %s", s.Screen)
	}
}

func TestRemoteServiceOffWaitsForTheSession(t *testing.T) {
	s, effs := stepAll(loggedIn(), RemoteMaintenance{Action: MaintServiceOff})
	if s.Screen != Menu || s.Flags&FlagTechnician == 0 || !hasCode(effs, "maintenance_remote") {
		t.Fatalf("screen %s flags %#x journal %v", s.Screen, s.Flags, journalCodes(effs))
	}
	s, _ = stepAll(s, Tap{Button: BtnCancel})
	if s.Screen != OutOfService {
		t.Fatalf("after the session: %s", s.Screen)
	}
	s, _ = stepAll(s, RemoteMaintenance{Action: MaintServiceOn})
	if s.Screen != Idle || s.Flags != 0 {
		t.Fatalf("service on: %s %#x", s.Screen, s.Flags)
	}
	if _, effs := Step(s, RemoteMaintenance{Action: MaintJournal}); !hasCode(effs, "maintenance_remote") {
		t.Fatal("a remote read was not journaled")
	}
}

// The output tray: sheets taken on "take your certificates" move on at once; sheets left make
// the kiosk say it again, then end the session and stay out of service until the tray is empty,
// so the next resident does not take them for their own.
func TestCertificatesLeftInTheTray(t *testing.T) {
	s := loggedIn()
	s.Screen = TakeCertificates
	s.TrayFull = true
	taken, _ := Step(s, TrayChanged{Occupied: false})
	if taken.Screen != Receipt {
		t.Fatalf("sheets taken: %s", taken.Screen)
	}
	var effs []Effect
	for i := 0; i < maxTrayReminders; i++ {
		var e []Effect
		s, e = Step(s, TimerFired{Gen: s.TimerGen})
		if s.Screen != TakeCertificates || len(effectsOf[Cue](e)) != 1 {
			t.Fatalf("reminder %d: %s %v", i+1, s.Screen, e)
		}
	}
	s, effs = Step(s, TimerFired{Gen: s.TimerGen})
	if s.Screen != OutOfService || s.Flags&FlagTrayNotEmpty == 0 || !hasCode(effs, "certificates_left_in_tray") {
		t.Fatalf("after the reminders: %s flags %#x journal %v", s.Screen, s.Flags, journalCodes(effs))
	}
	if st, _ := Step(s, Tap{Button: BtnStart}); st.Screen != OutOfService {
		t.Fatal("a session started with someone's certificates in the tray")
	}
	s, effs = Step(s, TrayChanged{Occupied: false})
	if s.Screen != Idle || s.Flags != 0 || !hasCode(effs, "tray_emptied") {
		t.Fatalf("tray emptied: %s flags %#x", s.Screen, s.Flags)
	}
}
