package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/consultd/consultd/app"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/links"
)

func linkCommand(load func() (*config.Config, error)) *cobra.Command {
	var (
		email        string
		types        []string
		count, every int
		days         int
	)
	cmd := &cobra.Command{
		Use:   "link",
		Short: "Print a signed booking link for one client: their email filled in, only the given session types",
		Example: "  consultd link --email sam@example.org --type consultation\n" +
			"  consultd link --email sam@example.org --type session --type consultation --days 14",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return configError(cmd, err)
			}
			inv := links.Invite{Email: email, Types: types}
			if count != 0 {
				inv.EveryWeeks, inv.Count = every, count
			}
			if err := checkInvite(cfg, inv, days); err != nil {
				return err
			}
			signer, err := app.LinkSigner(cmd.Context(), cfg, nil, app.NewLogger(cmd.ErrOrStderr(), cfg.Log), time.Now)
			if err != nil {
				return err
			}
			expires := time.Now().Add(time.Duration(days) * 24 * time.Hour)
			u, err := links.New(cfg, signer, time.Now).Invite(inv, expires)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), u)
			fmt.Fprintf(cmd.ErrOrStderr(), "valid until %s\n", expires.Format("2 January 2006 15:04 MST"))
			return nil
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the client's email address, filled in on the booking page (required)")
	cmd.Flags().StringSliceVar(&types, "type", nil, "a session type id the link may book; repeat for more (required)")
	cmd.Flags().IntVar(&days, "days", 30, "how many days the link stays valid")
	cmd.Flags().IntVar(&count, "count", 0, "book a standing appointment of this many sessions (2 to 52) from the time the client chooses")
	cmd.Flags().IntVar(&every, "every", 1, "with --count: every 1 or 2 weeks")
	_ = cmd.MarkFlagRequired("email")
	_ = cmd.MarkFlagRequired("type")
	return cmd
}

// checkInvite refuses what the booking page would refuse later (see
// links.CheckInvite), naming the flag to fix.
func checkInvite(cfg *config.Config, inv links.Invite, days int) error {
	if problems := links.CheckInvite(cfg, inv, days); len(problems) > 0 {
		return fmt.Errorf("--%s %s", problems[0].Field, problems[0].Msg)
	}
	return nil
}
