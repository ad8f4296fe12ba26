package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/charmbracelet/x/ansi"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdPty runs a program on a pseudo-terminal of its own, as a person
// at a terminal would, so a script can drive the TUI and see what it
// leaves on the terminal:
//
//	pty [-size WxH] STEP… OUT PROG [ARGS…]
//
// STEP is -until REGEX (wait, up to 30 s, until the screen text so far,
// escape sequences removed, matches), -send TEXT (type TEXT; \r is
// enter) or -signal HUP|INT|TERM|QUIT. Everything the program wrote to the
// terminal goes to OUT, raw; "exit=N" (or "signal=NAME") goes to
// stdout once it has ended, within 30 s of the last step.
func cmdPty(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! pty")
	}
	cols, rows := 100, 30
	type step struct{ op, arg string }
	var steps []step
	for len(args) >= 2 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-size":
			w, h, ok := strings.Cut(args[1], "x")
			var err1, err2 error
			cols, err1 = strconv.Atoi(w)
			rows, err2 = strconv.Atoi(h)
			if !ok || err1 != nil || err2 != nil {
				ts.Fatalf("pty: -size %q: want WxH", args[1])
			}
		case "-until", "-send", "-signal":
			steps = append(steps, step{args[0], args[1]})
		default:
			ts.Fatalf("pty: unknown option %s", args[0])
		}
		args = args[2:]
	}
	if len(args) < 2 {
		ts.Fatalf("usage: pty [-size WxH] [-until RE | -send TEXT | -signal SIG]… OUT PROG [ARGS…]")
	}
	out, prog := args[0], args[1]

	master, slave, err := openPty(cols, rows)
	if err != nil {
		ts.Fatalf("pty: %v", err)
	}
	defer master.Close()
	path, err := exec.LookPath(prog)
	if err != nil {
		ts.Fatalf("pty: %v", err)
	}
	cmd := exec.Command(path, args[2:]...)
	cmd.Dir = ts.Getenv("WORK")
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "NO_COLOR"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	cmd.Env = append(env, "TERM=xterm-256color")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		ts.Fatalf("pty: %v", err)
	}
	slave.Close()

	var mu sync.Mutex
	var screen bytes.Buffer
	read := make(chan struct{})
	go func() {
		defer close(read)
		buf := make([]byte, 64<<10)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	text := func() string {
		mu.Lock()
		defer mu.Unlock()
		return ansi.Strip(screen.String())
	}
	fail := func(format string, a ...any) {
		cmd.Process.Kill()
		<-exited
		ts.Fatalf("pty: "+format+"\nscreen so far:\n%s", append(a, text())...)
	}
	for _, s := range steps {
		switch s.op {
		case "-until":
			re, err := regexp.Compile(s.arg)
			if err != nil {
				fail("-until %q: %v", s.arg, err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for !re.MatchString(text()) {
				if time.Now().After(deadline) {
					fail("-until %q: not on screen after 30s", s.arg)
				}
				time.Sleep(20 * time.Millisecond)
			}
		case "-send":
			if _, err := master.Write([]byte(strings.ReplaceAll(s.arg, `\r`, "\r"))); err != nil {
				fail("-send: %v", err)
			}
		case "-signal":
			sig, ok := map[string]syscall.Signal{"HUP": syscall.SIGHUP, "INT": syscall.SIGINT, "TERM": syscall.SIGTERM, "QUIT": syscall.SIGQUIT}[s.arg]
			if !ok {
				fail("-signal %s: want HUP, INT, TERM or QUIT", s.arg)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				fail("-signal: %v", err)
			}
		}
	}
	var werr error
	select {
	case werr = <-exited:
	case <-time.After(30 * time.Second):
		fail("%s has not ended 30s after the last step", prog)
	}
	// What the program wrote before it ended is all there; the reader
	// stops once the last descriptor on the slave side is gone.
	select {
	case <-read:
	case <-time.After(5 * time.Second):
	}
	mu.Lock()
	raw := append([]byte(nil), screen.Bytes()...)
	mu.Unlock()
	if err := os.WriteFile(ts.MkAbs(out), raw, 0o644); err != nil {
		ts.Fatalf("pty: %v", err)
	}
	status := "exit=0"
	if ee, ok := werr.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			status = "signal=" + ws.Signal().String()
		} else {
			status = "exit=" + strconv.Itoa(ee.ExitCode())
		}
	} else if werr != nil {
		fail("%v", werr)
	}
	if status != "exit=0" { // what it said last, for the failure that follows
		txt := ansi.Strip(string(raw))
		ts.Logf("pty: %s; the terminal's last 8000 bytes:\n%s", status, txt[max(len(txt)-8000, 0):])
	}
	fmt.Fprintln(ts.Stdout(), status)
}

// openPty opens a new pseudo-terminal of cols×rows and returns its
// master and slave sides.
func openPty(cols, rows int) (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	ioctl := func(req uintptr, arg unsafe.Pointer) error {
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), req, uintptr(arg)); e != 0 {
			return e
		}
		return nil
	}
	var unlock int32
	var n uint32
	if err = ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err == nil {
		err = ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n))
	}
	if err == nil {
		ws := struct{ rows, cols, x, y uint16 }{uint16(rows), uint16(cols), 0, 0}
		err = ioctl(syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	}
	if err == nil {
		slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	}
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}
