package main

import (
	"io"
	"os"

	"github.com/spf13/cobra"
)

// The production platform, used when neither --server nor
// RINGCENTRAL_SERVER_URL says otherwise.
const ringCentralProduction = "https://platform.ringcentral.com"

// ringCentralCreds are the credentials of `evtap connect ringcentral`.
// Flags override the environment.
type ringCentralCreds struct {
	server       string
	clientID     string
	clientSecret string
	jwt          string
}

func (c *ringCentralCreds) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&c.server, "server", "", "platform `URL` (default $RINGCENTRAL_SERVER_URL, else "+ringCentralProduction+")")
	fs.StringVar(&c.clientID, "client-id", "", "app client id (default $RINGCENTRAL_CLIENT_ID)")
	fs.StringVar(&c.clientSecret, "client-secret", "", "app client secret (default $RINGCENTRAL_CLIENT_SECRET)")
	fs.StringVar(&c.jwt, "jwt", "", "JWT credential (default $RINGCENTRAL_JWT)")
}

// resolve fills what the flags left empty from the environment and
// checks that a connection is possible at all.
func (c *ringCentralCreds) resolve() error {
	fill := func(v *string, env, def string) {
		if *v == "" {
			*v = os.Getenv(env)
		}
		if *v == "" {
			*v = def
		}
	}
	fill(&c.server, "RINGCENTRAL_SERVER_URL", ringCentralProduction)
	fill(&c.clientID, "RINGCENTRAL_CLIENT_ID", "")
	fill(&c.clientSecret, "RINGCENTRAL_CLIENT_SECRET", "")
	fill(&c.jwt, "RINGCENTRAL_JWT", "")
	switch {
	case c.clientID == "":
		return usagef("no client id: set RINGCENTRAL_CLIENT_ID or pass --client-id")
	case c.jwt == "":
		return usagef("no JWT credential: set RINGCENTRAL_JWT or pass --jwt")
	}
	return nil
}

func newConnectCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connect PROVIDER",
		Short: "Connect to a real provider account",
		Long: `Connect to a real provider account and show its events.

Providers: ringcentral (WebSocket subscriptions with wsc session recovery).`,
		Args: exactArgs(1, "a provider (ringcentral)"),
	}
	var lf liveFlags
	var creds ringCentralCreds
	lf.register(cmd)
	creds.register(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if args[0] != "ringcentral" {
			return usagef("unknown provider %q (known: ringcentral)", args[0])
		}
		if err := creds.resolve(); err != nil {
			return err
		}
		return runConnectRingCentral(cmd.Context(), lf, creds, stdout, stderr)
	}
	return cmd
}
