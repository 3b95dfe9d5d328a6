package document

// Internals the external tests measure.
var (
	LatentAt = latentAt
	Shrink   = shrink
	Base45   = base45Encode
)
