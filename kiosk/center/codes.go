package center

// Refusal codes. Each names one reason, shared by the center, the session machine and the UI's
// message keys (HELPERS.md). A refusal answer carries exactly one of them.
const (
	// The card and its certificates.
	CodeExpired         = "expired"           // certificate past its validity
	CodeRevoked         = "revoked"           // certificate revoked (card abolished, 基本4情報 changed)
	CodeSuspended       = "suspended"         // card reported lost: 一時停止
	CodeLocked          = "locked"            // PIN blocked on the card
	CodeFaceAuthCard    = "face_auth_card"    // 顔認証マイナンバーカード: no PIN, not usable here
	CodeUnknownIssuer   = "unknown_issuer"    // certificate not issued by a JPKI CA the center trusts
	CodeBadSignature    = "bad_signature"     // the card's signature does not verify with the certificate
	CodeNoSignatureCert = "no_signature_cert" // the card has no (usable) signature certificate

	// The resident.
	CodeUnder15          = "under_15"
	CodeMovedOut         = "moved_out"
	CodeMoveOutFiled     = "move_out_filed"
	CodeProtectedPerson  = "protected_person" // DV/stalking support measures
	CodeDeceased         = "deceased"
	CodeMoveInDay        = "move_in_day"
	CodeLimitsExceeded   = "limits_exceeded"   // name/address beyond system limits, 外字 being registered
	CodeNotParticipating = "not_participating" // municipality does not offer kiosk issuance

	// Time.
	CodeOutsideHours = "outside_hours"
	CodeClosedDay    = "closed_day"
	CodeMaintenance  = "maintenance"

	// The request.
	CodeTypeNotOffered             = "type_not_offered"
	CodeOptionNotOffered           = "option_not_offered" // option not available for this type, resident or municipality
	CodeKosekiRegistrationRequired = "koseki_registration_required"
	CodeKosekiNotRegisteredHere    = "koseki_not_registered_here" // 本籍地 does not issue 戸籍 through the service
	CodeNoFamilyRegister           = "no_family_register"         // foreign residents have no 戸籍
	CodeNoSealRegistration         = "no_seal_registration"
	CodeNoTaxRecord                = "no_tax_record"
	CodeNotHouseholdMember         = "not_household_member"
	CodeTooManyCopies              = "too_many_copies"

	// Login and session.
	CodeChallengeExpired = "challenge_expired" // unknown, used or expired challenge: ask for a new one
	CodeSessionExpired   = "session_expired"   // unknown, ended or expired session: log in again
	CodeWrongPurpose     = "wrong_purpose"     // session opened for another purpose (issuance vs PIN reset)

	// PIN reset.
	CodeReservationNotFound = "reservation_not_found"
	CodeReservationExpired  = "reservation_expired"
	CodeResetNotAllowed     = "reset_not_allowed"

	// Records.
	CodeIssuanceNotFound = "issuance_not_found"
	CodeInvalidState     = "invalid_state" // e.g. completing a voided issuance

	// Protocol.
	CodeBadRequest          = "bad_request"          // malformed JSON, unknown field, bad value
	CodeTooLarge            = "too_large"            // body over MaxBodyBytes
	CodeIdempotencyRequired = "idempotency_required" // state-changing call without a valid Idempotency-Key
	CodeIdempotencyConflict = "idempotency_conflict" // key reused with another body
	CodeKioskCertRequired   = "kiosk_cert_required"  // no client certificate presented
	CodeNotFound            = "not_found"
	CodeMethodNotAllowed    = "method_not_allowed"
)
