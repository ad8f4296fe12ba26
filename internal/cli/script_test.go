package cli

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts in testdata/script run `evtap` as a real
// command (the test binary re-executes itself), so flags, stdout, stderr
// and exit codes are checked exactly as a user or a shell script sees them.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"evtap": func() { os.Exit(Main(os.Args[1:])) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Scripts must not depend on the developer's colours or credentials.
			env.Setenv("NO_COLOR", "1")
			for _, k := range []string{"RINGCENTRAL_CLIENT_ID", "RINGCENTRAL_CLIENT_SECRET", "RINGCENTRAL_JWT", "RINGCENTRAL_SERVER_URL"} {
				env.Setenv(k, "")
			}
			return nil
		},
	})
}
