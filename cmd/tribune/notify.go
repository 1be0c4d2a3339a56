package main

import (
	"net"
	"strings"
)

// notify tells systemd how the service is doing (sd_notify(3)): "READY=1"
// once the listeners are up and /readyz answers 200, "STOPPING=1" when the
// shutdown starts. socket is $NOTIFY_SOCKET, which systemd sets for a
// Type=notify unit (deploy/tribune.service); "" (not under systemd) sends
// nothing. A message that cannot be sent is not an error worth stopping
// for: systemd then times the start out and says so.
func notify(socket, state string) error {
	if socket == "" {
		return nil
	}
	if strings.HasPrefix(socket, "@") { // an abstract socket
		socket = "\x00" + socket[1:]
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: socket, Net: "unixgram"})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Write([]byte(state))
	return err
}
