// Package oa is approvals (审批) and leave (假期) of WeCom's OA.
package oa
