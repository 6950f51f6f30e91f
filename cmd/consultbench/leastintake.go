package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/jobs"
)

// leastIntakeRole is the child role that serves the least HTTP intake: the
// least a booking endpoint on asynq does, and the intake's ceiling.
const leastIntakeRole = "least-intake"

// leastIntakeRequest is the JSON the intake's clients send.
type leastIntakeRequest struct {
	Type, Start, Name, Email, Timezone string
}

// leastIntake is a net/http handler that decodes the JSON body, enqueues
// the confirm task of a new booking ID (the same task, ID and options as
// the intake's) and answers 201 with the ID: no validation, no claim, no
// logging, no metrics.
func leastIntake(client *asynq.Client) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req leastIntakeRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusUnprocessableEntity)
			return
		}
		id := booking.NewID("default")
		_, err := client.EnqueueContext(r.Context(), jobs.NewConfirmTask(id, 0),
			asynq.TaskID(jobs.ConfirmTaskID(id)), asynq.Queue(ceilingQueue), asynq.MaxRetry(25), asynq.Retention(24*time.Hour))
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"id": id})
	})
}

// runLeastIntake serves leastIntake on a free port of its own, on a Redis
// client set up as the app's (default go-redis pool), until the parent
// says quit.
func runLeastIntake(args childArgs) error {
	rdb := redis.NewClient(&redis.Options{Addr: args.redis})
	defer rdb.Close()
	client := asynq.NewClientFromRedisClient(rdb)
	defer client.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: leastIntake(client), ReadHeaderTimeout: 5 * time.Second}
	var prof profiler
	defer prof.stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Printf("ready %s\n", ln.Addr())
	go serveCommands(os.Stdin, os.Stdout, &prof, cancel)
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// leastIntakeStart is the start every least-intake request names: the
// handler reads it and books nothing.
func leastIntakeStart(int) (string, bool) { return "2030-01-07T10:00:00Z", true }
