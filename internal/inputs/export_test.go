package inputs

// SetUnlinkEarly turns off unlinking temporary files when they are
// created, so tests see that Cleanup removes them; it returns a function
// that restores the setting.
func SetUnlinkEarly(on bool) (restore func()) {
	old := unlinkEarly
	unlinkEarly = on
	return func() { unlinkEarly = old }
}
