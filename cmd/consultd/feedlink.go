package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/consultd/consultd/app"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/links"
)

func feedLinkCommand(load func() (*config.Config, error)) *cobra.Command {
	var (
		therapist string
		rotate    bool
	)
	cmd := &cobra.Command{
		Use:   "feed-link",
		Short: "Print the private calendar address of a therapist's bookings (initials and session type only)",
		Long: "Print the address to subscribe to in any calendar app. It shows each booking as initials and\n" +
			"session type. --rotate revokes every address printed before and prints a new one.",
		Example: "  consultd feed-link --therapist default\n  consultd feed-link --therapist default --rotate",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return configError(cmd, err)
			}
			if _, ok := cfg.Therapist(therapist); !ok {
				return fmt.Errorf("--therapist %q is not a configured therapist", therapist)
			}
			logger := app.NewLogger(cmd.ErrOrStderr(), cfg.Log)
			store, closer, err := app.OpenStore(cfg, logger)
			if err != nil {
				return err
			}
			defer closer.Close()
			signer, err := app.LinkSigner(cmd.Context(), cfg, nil, logger, time.Now)
			if err != nil {
				return err
			}
			gen, err := store.FeedGeneration(cmd.Context(), therapist)
			if rotate && err == nil {
				gen, err = store.RotateFeed(cmd.Context(), therapist)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), links.New(cfg, signer, time.Now).Feed(therapist, gen))
			return nil
		},
	}
	cmd.Flags().StringVar(&therapist, "therapist", "default", "therapist id")
	cmd.Flags().BoolVar(&rotate, "rotate", false, "revoke the addresses printed before")
	return cmd
}
