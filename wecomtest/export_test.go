package wecomtest

// CheckUpload exposes checkUpload to the external tests.
var CheckUpload = checkUpload
