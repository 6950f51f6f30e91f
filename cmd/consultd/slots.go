package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/consultd/consultd/app"
	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

func slotsCommand(load func() (*config.Config, error)) *cobra.Command {
	var req appointments.SlotsRequest
	cmd := &cobra.Command{
		Use:   "slots",
		Short: "Print free slots for a session type and date range, in the therapist's time zone",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return configError(cmd, err)
			}
			return printSlots(cmd.Context(), cmd.OutOrStdout(), cfg, req)
		},
	}
	cmd.Flags().StringVar(&req.Type, "type", "", "session type id (default: the first one configured)")
	cmd.Flags().StringVar(&req.Therapist, "therapist", "", "therapist id (default: everyone)")
	cmd.Flags().StringVar(&req.From, "from", "", "first date, YYYY-MM-DD (default: today)")
	cmd.Flags().StringVar(&req.To, "to", "", "last date, YYYY-MM-DD (default: a week from the first)")
	return cmd
}

func printSlots(ctx context.Context, out io.Writer, cfg *config.Config, req appointments.SlotsRequest) error {
	now := time.Now()
	if req.Type == "" {
		req.Type = cfg.SessionTypes[0].ID
	}
	req.Invited = true // the practice's own tool: invite_only types too
	if req.From == "" {
		req.From = calendar.DateOf(now.In(cfg.Therapists[0].Location())).String()
	}
	if req.To == "" {
		if from, err := calendar.ParseDate(req.From); err == nil {
			req.To = from.AddDays(6).String()
		}
	}
	rules, closer, err := app.OpenAppointments(cfg, app.NewLogger(io.Discard, cfg.Log), func() time.Time { return now })
	if err != nil {
		return err
	}
	defer closer.Close()
	slots, err := rules.FreeSlots(ctx, req)
	if err != nil {
		return err
	}
	for _, s := range slots {
		t, _ := cfg.Therapist(s.TherapistID)
		loc := t.Location()
		fmt.Fprintf(out, "%s  %s-%s  %s  %s\n", s.Start.In(loc).Format("Mon 2006-01-02"),
			s.Start.In(loc).Format("15:04"), s.End.In(loc).Format("15:04"), calendar.ZoneName(loc, s.Start), s.TherapistID)
	}
	if len(slots) == 0 {
		fmt.Fprintf(out, "no free %s slots from %s to %s\n", req.Type, req.From, req.To)
	}
	return nil
}
