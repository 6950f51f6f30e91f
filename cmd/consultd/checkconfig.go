package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/consultd/consultd"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/templates"
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
			if err := checkTemplates(cfg); err != nil {
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

// checkTemplates loads the templates and catalogs the configuration asks
// for: every offered language needs a catalog with every key of the
// default one (the service itself falls back to the default language key
// by key, but a practice should know before a client meets a sentence in
// another language).
func checkTemplates(cfg *config.Config) error {
	set, err := templates.Load(cfg.Templates.Dir, cfg.Languages...)
	if err != nil {
		key := "templates.dir"
		if strings.Contains(err.Error(), "locale:") {
			key = "languages"
		}
		return config.Problems{{Key: key, Msg: err.Error()}}
	}
	var problems config.Problems
	for i, lang := range cfg.Languages[1:] {
		if missing := set.Catalogs().Missing(lang); len(missing) > 0 {
			problems = append(problems, config.Problem{Key: fmt.Sprintf("languages[%d]", i+1),
				Msg: fmt.Sprintf("the catalog locales/%s.yaml lacks %d key(s) of locales/%s.yaml: %s", lang, len(missing), cfg.Languages[0], strings.Join(missing, ", "))})
		}
	}
	if len(problems) > 0 {
		return problems
	}
	return nil
}
