package broker

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// Server is a nats-server process started by tdkt itself, on a loopback
// port of its own: for tests and load tests, which need a NATS of their
// own. In production NATS is run by the operator (docker-compose.yml).
type Server struct {
	bin  string
	port int
	log  io.Writer
	cmd  *exec.Cmd
}

// ErrNoServer means nats-server is not installed.
var ErrNoServer = errors.New("broker: nats-server is not installed (apt install nats-server)")

// StartServer starts nats-server on a free loopback port, its output to
// log (may be nil), and waits until it listens.
func StartServer(log io.Writer) (*Server, error) {
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		if _, e := os.Stat("/usr/sbin/nats-server"); e != nil {
			return nil, ErrNoServer
		}
		bin = "/usr/sbin/nats-server"
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("broker: find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{bin: bin, port: port, log: log}
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// URL is where clients reach the server.
func (s *Server) URL() string { return "nats://127.0.0.1:" + strconv.Itoa(s.port) }

// Start starts the server again on the same port after Stop.
func (s *Server) Start() error {
	s.cmd = exec.Command(s.bin, "-a", "127.0.0.1", "-p", strconv.Itoa(s.port))
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("broker: start nats-server: %w", err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(s.port)
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(end) {
			s.Stop()
			return fmt.Errorf("broker: nats-server did not listen on %s: %w", addr, err)
		}
	}
}

// Stop kills the server.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}
