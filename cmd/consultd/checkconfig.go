package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/consultd/consultd"
	"github.com/consultd/consultd/config"
)

func checkConfigCommand(load func() (*config.Config, error)) *cobra.Command {
	var printExample bool
	cmd := &cobra.Command{
		Use:   "check-config",
		Short: "Validate the configuration and list every problem",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if printExample {
				_, err := cmd.OutOrStdout().Write(consultd.ExampleConfig)
				return err
			}
			cfg, err := load()
			if err != nil {
				return configError(cmd, err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "configuration OK: %d therapist(s), %d session type(s), redis %s, mail %s\n",
				len(cfg.Therapists), len(cfg.SessionTypes), redisSummary(cfg), cfg.MailMode())
			for _, w := range cfg.Warnings() {
				fmt.Fprintln(out, "warning: "+w.String())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&printExample, "print-example", false, "print the documented example configuration")
	return cmd
}

func redisSummary(cfg *config.Config) string {
	if cfg.Redis.Embedded() {
		return "in-memory (development only)"
	}
	return cfg.Redis.Where()
}
