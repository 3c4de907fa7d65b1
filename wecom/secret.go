package wecom

import (
	"fmt"
	"log/slog"
)

// Secret holds a credential — an app secret, a token, a password in a URL —
// that must never be printed. Every way of printing it (fmt's verbs, slog,
// encoding/json and other text marshalers) shows [redacted]; only
// [Secret.Reveal] returns the value. Keep secrets in this type from the
// moment they are read, so a log line added later cannot leak them.
type Secret string

const redactedText = "[redacted]"

// Reveal returns the secret's value, for the one place that must send it.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String returns [redacted].
func (s Secret) String() string { return redactedText }

// GoString returns [redacted], for %#v.
func (s Secret) GoString() string { return redactedText }

// Format prints [redacted] for every verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redactedText)) }

// LogValue logs [redacted].
func (s Secret) LogValue() slog.Value { return slog.StringValue(redactedText) }

// MarshalText encodes [redacted], so JSON and other encodings never carry
// the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redactedText), nil }
