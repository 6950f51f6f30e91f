# consultd: `make test` installs what the tests need (redis-server, chromium,
# radicale)
# when missing, then vets, runs staticcheck and deadcode, and runs every test
# with the race detector.

GO       ?= go
PACKAGES ?= ./...
APT_DEPS := redis-server:redis-server chromium:chromium radicale:radicale

.PHONY: test deps vet lint build run fuzz clean bench test-faults mailcheck

# The checkers are pinned; `go run pkg@version` fetches them into the module
# cache on first use.
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
DEADCODE    := $(GO) run golang.org/x/tools/cmd/deadcode@v0.52.0

test: deps vet lint
	$(GO) test -race -count=1 $(PACKAGES)

# deps installs each missing command from Debian's packages (as root, or
# through sudo).
deps:
	@missing=""; for pair in $(APT_DEPS); do \
		cmd=$${pair%%:*}; pkg=$${pair##*:}; \
		command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# fuzz runs each fuzz target for FUZZTIME (a minute by default).
FUZZTIME ?= 1m
FUZZ_TARGETS := ./web:FuzzIntake ./web:FuzzFormIntake ./links:FuzzVerify ./links:FuzzOpen ./config:FuzzLoad

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzzing $$name in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

vet:
	$(GO) vet $(PACKAGES)

# lint fails on any staticcheck finding and on any function deadcode finds
# unreachable from the binaries (cmd/consultd, cmd/consultbench). The test
# helpers under internal/test* are reached from tests only, by design.
lint:
	$(STATICCHECK) $(PACKAGES)
	@out=$$($(DEADCODE) $(PACKAGES)) || exit 1; \
	dead=$$(printf '%s\n' "$$out" | grep -v '^internal/test' || true); \
	if [ -n "$$dead" ]; then echo "unreachable code (deadcode):"; echo "$$dead"; exit 1; fi

build:
	$(GO) build -tags timetzdata -o bin/consultd ./cmd/consultd

run:
	$(GO) run ./cmd/consultd serve

clean:
	rm -rf bin outbox

# bench measures each path (intake, worker, reminders, memory, availability)
# against its own ceiling on this machine and prints one table: about four
# minutes, or one with BENCHFLAGS=-quick. It starts its own redis-server
# (install it with `make deps`). BENCHFLAGS=-cpuprofile-dir=DIR adds CPU
# profiles of the intake and the worker and their top costs.
BENCHFLAGS ?=

bench:
	$(GO) run ./cmd/consultbench $(BENCHFLAGS)

# test-faults runs the fault suite (faults/, build tag "faults"): the real
# binary as web and worker processes while the worker is killed, Redis
# restarts and SMTP goes away. It takes a few minutes and prints its figures.
test-faults: deps
	$(GO) test -tags faults -count=1 -v -timeout 7m ./faults/

# mailcheck sends one email of every kind to a Mailpit it starts and fails
# when Mailpit's HTML check (built on caniemail's data) finds less than 90%
# of any email's HTML and CSS supported across email clients; it prints each
# email's figure and the features that cost the most. It needs Mailpit:
# go install github.com/axllent/mailpit@v1.33.1 (or MAILPIT=/path/to/mailpit).
MAILPIT      ?= mailpit
MAILPIT_SMTP ?= 127.0.0.1:1026
MAILPIT_HTTP ?= 127.0.0.1:8026

mailcheck:
	@command -v $(MAILPIT) >/dev/null 2>&1 || { echo "no $(MAILPIT): go install github.com/axllent/mailpit@v1.33.1, or set MAILPIT"; exit 1; }
	@$(MAILPIT) --smtp $(MAILPIT_SMTP) --listen $(MAILPIT_HTTP) --disable-version-check >/dev/null 2>&1 & pid=$$!; \
	MAILPIT_SMTP=$(MAILPIT_SMTP) MAILPIT_API=http://$(MAILPIT_HTTP) \
		$(GO) test -tags mailcheck -count=1 -v -run '^TestMailpitHTMLCheck$$' ./jobs; rc=$$?; \
	kill $$pid; exit $$rc
