// Package kf is WeChat customer service (微信客服): accounts, servicers,
// sessions, messages pulled with sync_msg, and a durable message pump.
package kf
