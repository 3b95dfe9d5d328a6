// Package outbox is the kiosk's durable offline outbox and its audit journal, both in one
// bbolt (go.etcd.io/bbolt) file.
//
// The outbox holds what the kiosk has promised the center — a completion, a void, a refund,
// a PIN-reset result, a fault report — until the center acknowledges it. The journal is an
// append-only, hash-chained record of what the kiosk did.
//
// # Guarantees
//
// Durability. Append and Journal.Append return only after the bbolt transaction holding the
// record has been committed, which on Linux means two fdatasync calls. A record whose Append
// returned nil survives a process crash, a SIGKILL and (on storage that honours flushes) a power
// cut. A record whose Append did not return may or may not be present afterwards, and it is
// present at most once. bbolt never leaves a half-written transaction: after a crash the file
// opens at the last committed transaction. (The crash test in this package SIGKILLs a writer
// hundreds of times and checks exactly this.)
//
// Delivery is at least once, in order. Run and Drain read the oldest records, hand them one by
// one to a Deliverer, and delete them only after the center acknowledged them; deletions are
// committed in batches. A crash between the acknowledgement and the deletion delivers the record
// again under the same idempotency key (Record.Key), which the center answers as a duplicate:
// at-least-once delivery plus the center's idempotency keys is exactly once in effect. A
// transient failure (center down, slow, 5xx, garbage) stops the queue at that record, which is
// retried after an exponential backoff with jitter; records behind it wait, so the center sees
// them in the order the kiosk made them (a record that keeps failing transiently holds the
// queue; Stats and `kioskctl outbox status` show its last error). A record the center refuses
// for good (an error with Permanent() == true) is moved, with the refusal, to the dead letters:
// kept, not retried, never deleted by this package; RequeueDead (`kioskctl outbox requeue`)
// puts them back once a technician has settled the refusal. Append does not deduplicate keys:
// the caller makes one key per promise, and the center deduplicates.
//
// Bounded. The file holds at most Capacity records (pending plus dead letters). When it is
// full, Append returns ErrFull and nothing is dropped; Reserve lets the session machine hold
// the slots a paid transaction will need (completion, or void and refund) before it takes money,
// and CanAcceptPaid tells it whether to go out of service for paid transactions.
//
// Never silently destroyed. Open always takes the file lock with a timeout (ErrLocked), runs
// bbolt's consistency check and refuses a file that fails it (ErrCorrupt); a write the storage
// refuses gives ErrDiskFull and leaves what was stored intact. No function in this package
// deletes, truncates or rewrites a file it cannot read. Only MoveAside, called by
// `kioskctl outbox move-aside`, moves a corrupt file aside, and it refuses a file that opens.
//
// # What is never stored
//
// Personal data. A Record's Payload and a journal Entry's Fields are one typed struct of ids,
// codes, a municipality code, a card status word, counts and yen amounts; there is no
// free-text or byte field, and every string is validated on Append: an ID is 6–128 characters
// of [A-Za-z0-9._:-] with a digit, a Code 1–40 characters of [a-z0-9_]. A name, an address, a
// birth date or a 4-digit PIN has no field to go into, so `kioskctl outbox dump` and
// `kioskctl journal show` cannot print one. (No shape rule can tell a 6–16 character signature
// PIN from an id: that rule is the caller's.)
//
// # The journal
//
// Entry n holds SHA-256 of entry n-1 (Prev) and its own hash over seq, time, kind, fields and
// Prev; the newest sequence number and hash are also kept in the metadata, so removing entries
// from the end is detected too. Verify walks the chain and names the first entry that was
// edited, removed or reordered. Prune removes old entries for retention and, in the same
// transaction, chains a checkpoint entry naming the first kept entry and the hash it follows,
// so the chain still verifies after pruning. The chain proves the file's history is
// self-consistent; someone who can rewrite the whole file can rewrite the whole chain, which is
// why the journal head should also be reported off the kiosk.
//
// # Layout
//
// One file (default /var/lib/certkiosk/outbox.db) with buckets "outbox" (pending records, key =
// big-endian sequence number), "dead" (dead letters, same key), "journal" (entries, key =
// big-endian seq) and "meta" (format version, last delivery error and time, journal head and
// pruning anchor). The journal shares the outbox's file so a completion and its journal entry
// share one lock, one fsync path and one file to back up.
//
// # Caveats
//
// Durability is only as good as the storage's flushes: use media with power-loss protection.
// Create the file at provisioning time (bbolt's first initialisation is the one moment a power
// cut can leave an unusable file). Each Append is one fsync'd transaction; it is not batched.
//
// This package owns the file format and its guarantees. It must never import kiosk (the
// session machine), kiosk/center, fyne, scard or periph; it talks to the center only through
// the Deliverer interface.
package outbox
