package kiosk

import "sort"

// Refusal codes the center can give (HELPERS.md, kiosk/center codes.go). Each has a message key
// "refusal.<code>" and a next step. A code the machine does not know is shown as refusal.other.
var RefusalCodes = []string{
	"expired", "revoked", "suspended", "locked", "under_15", "face_auth_card", "moved_out",
	"move_out_filed", "protected_person", "deceased", "move_in_day", "limits_exceeded",
	"not_participating", "outside_hours", "closed_day", "maintenance", "type_not_offered",
	"koseki_registration_required", "koseki_not_registered_here", "no_seal_registration",
	"no_tax_record", "not_household_member", "unknown_issuer", "bad_signature", "challenge_expired",
	"session_expired", "reservation_not_found", "reservation_expired", "reset_not_allowed",
	"no_signature_cert",
	// added by the center (kiosk/center codes.go) and this machine
	"option_not_offered", "no_family_register", "too_many_copies", "wrong_purpose",
}

// Outcome keys: what the Outcome screen says happened.
const (
	OutcomeCardRemoved      = "outcome.card_removed"
	OutcomeNotMyNumber      = "outcome.not_mynumber_card"
	OutcomeCardError        = "outcome.card_error"
	OutcomeBlocked          = "outcome.blocked"
	OutcomeNoUserCert       = "outcome.no_user_cert"
	OutcomeCenterDown       = "outcome.center_unavailable"
	OutcomeCenterTimeout    = "outcome.center_timeout"
	OutcomeCenterError      = "outcome.center_error"
	OutcomeTimeout          = "outcome.timeout"
	OutcomeCancelled        = "outcome.cancelled"
	OutcomeDocumentRejected = "outcome.document_rejected"
	OutcomePrinterFault     = "outcome.printer_fault"
	OutcomeResetFailed      = "outcome.reset_failed"
	OutcomePhoneTokenReset  = "outcome.phone_token_reset"
	OutcomeRefundOwed       = "outcome.refund_owed"
	OutcomeMoneyReturned    = "outcome.money_returned"
	RefusalOther            = "refusal.other"
)

// Next-step keys: what the resident can do about an outcome.
const (
	NextCityHall       = "next.city_hall"
	NextRenew          = "next.renew_at_city_hall" // with the renewal date when known
	NextTryAgain       = "next.try_again"
	NextTryLater       = "next.try_later"
	NextTryTomorrow    = "next.try_tomorrow"
	NextAskStaff       = "next.ask_staff"
	NextReserveInApp   = "next.reserve_in_app"
	NextPhoneApp       = "next.phone_app"
	NextPlaceCard      = "next.place_card_properly"
	NextKosekiRegister = "next.koseki_register"
	NextRefundSlip     = "next.refund_slip"
	NextNone           = "next.none"
)

// Inline messages, notices and audio cues.
const (
	MsgPINWrong         = "pin.wrong"     // with tries left
	MsgPINTooShort      = "pin.too_short" // enter pressed early
	MsgPINMismatch      = "pin.mismatch"  // new PIN typed twice differently
	MsgPINRules         = "pin.rules_unmet"
	MsgLastTry          = "pin.last_try" // what a lock means
	MsgNoMember         = "members.none_chosen"
	MsgKosekiRegistered = "koseki.registered"
	MsgInsertMoney      = "payment.insert"
	MsgCannotCancel     = "printing.cannot_cancel"
	MsgRemoveCard       = "card.remove_first"
	MsgTechnicianWrong  = "technician.wrong"  // credential not accepted
	MsgTechnicianLocked = "technician.locked" // too many wrong credentials: sign-in locked for a while

	NoticeRenewalOpen = "notice.renewal_open" // Date: when the certificate expires
	NoticeRenewalFrom = "notice.renewal_from" // Date: from when renewal is possible

	CueKey              = "cue.key"
	CueError            = "cue.error"
	CueWarning          = "cue.warning"
	CueTakeCard         = "cue.take_card"
	CueTakeCertificates = "cue.take_certificates"
	CueTakeMoney        = "cue.take_money"
)

var outcomeKeys = []string{
	OutcomeCardRemoved, OutcomeNotMyNumber, OutcomeCardError, OutcomeBlocked, OutcomeNoUserCert,
	OutcomeCenterDown, OutcomeCenterTimeout, OutcomeCenterError, OutcomeTimeout, OutcomeCancelled,
	OutcomeDocumentRejected, OutcomePrinterFault, OutcomeResetFailed, OutcomePhoneTokenReset,
	OutcomeRefundOwed, OutcomeMoneyReturned, RefusalOther,
}

var otherKeys = []string{
	NextCityHall, NextRenew, NextTryAgain, NextTryLater, NextTryTomorrow, NextAskStaff,
	NextReserveInApp, NextPhoneApp, NextPlaceCard, NextKosekiRegister, NextRefundSlip, NextNone,
	MsgPINWrong, MsgPINTooShort, MsgPINMismatch, MsgPINRules, MsgLastTry, MsgNoMember,
	MsgKosekiRegistered, MsgInsertMoney, MsgCannotCancel, MsgRemoveCard,
	MsgTechnicianWrong, MsgTechnicianLocked,
	NoticeRenewalOpen, NoticeRenewalFrom,
	CueKey, CueError, CueWarning, CueTakeCard, CueTakeCertificates, CueTakeMoney,
}

// MessageKeys lists every message key the machine can put in a View or a Cue, sorted: screen
// titles (screen.*), outcomes, refusals (refusal.<code>), next steps, inline messages, notices,
// cues, maintenance report labels (maint.label.<label>). The UI's message files must define each; ui tests check that against this list.
func MessageKeys() []string {
	var keys []string
	for s := Screen(0); s < numScreens; s++ {
		keys = append(keys, s.Key())
	}
	for _, c := range RefusalCodes {
		keys = append(keys, "refusal."+c)
	}
	for _, l := range MaintLabels {
		keys = append(keys, "maint.label."+l)
	}
	for _, v := range MaintValues {
		keys = append(keys, "maint.value."+v)
	}
	keys = append(keys, outcomeKeys...)
	keys = append(keys, otherKeys...)
	sort.Strings(keys)
	return keys
}

// refusalOutcome maps a center refusal code to what the screen says and what to do next.
func refusalOutcome(code string) OutcomeInfo {
	known := false
	for _, c := range RefusalCodes {
		if c == code {
			known = true
			break
		}
	}
	if !known {
		return OutcomeInfo{Key: RefusalOther, Next: NextAskStaff}
	}
	next := NextCityHall
	switch code {
	case "expired":
		next = NextRenew
	case "move_in_day":
		next = NextTryTomorrow
	case "outside_hours", "closed_day", "maintenance":
		next = NextTryLater
	case "koseki_registration_required":
		next = NextKosekiRegister
	case "challenge_expired", "session_expired", "option_not_offered", "too_many_copies", "wrong_purpose":
		next = NextTryAgain
	case "reservation_not_found", "reservation_expired":
		next = NextReserveInApp
	}
	return OutcomeInfo{Key: "refusal." + code, Next: next}
}
