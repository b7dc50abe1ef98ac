package analyze

// Every test of this package runs with released sessions' texts blanked
// at once (see poisonReleased).
func init() { poisonReleased = true }
