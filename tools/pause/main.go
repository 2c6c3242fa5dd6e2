// Command pause is the test cluster's pod sandbox process: it holds a pod's namespaces open, reaps the
// children it inherits as PID 1, and exits on SIGINT or SIGTERM. Registries are out of reach where the test
// cluster runs, so the sandbox image is built from this instead of being pulled.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
