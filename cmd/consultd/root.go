package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/consultd/consultd/app"
	"github.com/consultd/consultd/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// exitError carries a process exit code through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func run(args []string) int {
	root := newRoot(os.Stdout, os.Stderr)
	root.SetArgs(args)
	return exitCode(root.Execute(), os.Stderr)
}

// exitCode prints an error that has not been printed yet and picks the
// process's exit code.
func exitCode(err error, stderr io.Writer) int {
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintln(stderr, "consultd:", err)
		return 1
	}
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	var configPath string
	root := &cobra.Command{
		Use:           "consultd",
		Short:         "Booking, invites and reminders for a therapy practice",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&configPath, "config", "", "YAML config file (default: built-in defaults plus CONSULTD_* environment)")
	load := func() (*config.Config, error) { return config.Load(configPath) }
	root.AddCommand(
		serveCommand("serve", "Run web, worker and scheduler in one process", app.AllRoles, load, &configPath),
		serveCommand("web", "Run the HTTP server only", app.Roles{Web: true}, load, &configPath),
		serveCommand("worker", "Run the job worker and scheduler only", app.Roles{Worker: true, Scheduler: true}, load, &configPath),
		checkConfigCommand(load),
		slotsCommand(load),
		linkCommand(load),
		feedLinkCommand(load),
		versionCommand(),
	)
	return root
}

// serveCommand runs roles; the config file at *path (if any) is watched
// and its valid edits are put in force without a restart.
func serveCommand(name, short string, roles app.Roles, load func() (*config.Config, error), path *string) *cobra.Command {
	return &cobra.Command{
		Use:   name,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return configError(cmd, err)
			}
			logger := app.NewLogger(cmd.ErrOrStderr(), cfg.Log)
			app.RouteRedisLog(logger)
			for _, w := range cfg.Warnings() {
				logger.Warn("configuration: "+w.String(), "key", w.Key)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			a, err := app.New(ctx, cfg, roles, app.Options{Logger: logger, ConfigPath: *path})
			if err != nil {
				return err
			}
			defer a.Close()
			return a.Run(ctx)
		},
	}
}

// configError prints every problem, one a line, and exits 1.
func configError(cmd *cobra.Command, err error) error {
	fmt.Fprintln(cmd.ErrOrStderr(), "consultd: the configuration has problems:")
	var problems config.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(cmd.ErrOrStderr(), "  "+p.String())
		}
	} else {
		fmt.Fprintln(cmd.ErrOrStderr(), "  "+err.Error())
	}
	return exitError{code: 1}
}

func versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "consultd", version)
		},
	}
}
