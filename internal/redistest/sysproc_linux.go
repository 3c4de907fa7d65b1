package redistest

import (
	"os/exec"
	"syscall"
)

// setDeathSignal asks the kernel to kill redis-server if the test process
// dies without running its cleanups (a panic in another goroutine, a
// timeout, SIGKILL), so no orphan keeps the port.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
