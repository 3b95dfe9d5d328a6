package outbox

// RehashForTest recomputes an entry's own hash, as an attacker who knows the algorithm would.
func RehashForTest(e *Entry) { e.Hash = e.computeHash() }
