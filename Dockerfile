# syntax=docker/dockerfile:1
#
# consultd as one static binary on an empty base image.
#
#   docker build -t consultd --build-arg VERSION="$(git describe --tags --always --dirty)" .
#   docker run --rm -p 127.0.0.1:8080:8080 \
#     -e CONSULTD_REDIS_ADDR=redis.internal:6379 -e CONSULTD_SECRET=... consultd
#
# The image runs `consultd serve` by default; `consultd web` and
# `consultd worker` are the same image with another command. See
# docs/production.md.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src

# Modules first: a change to the source does not fetch them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

COPY . .
ARG VERSION=dev
# CGO_ENABLED=0    a static binary: no libc needed at run time.
# -tags timetzdata the IANA time zone database is built into the binary
#                  (a few hundred kB). The service loads therapists' and clients'
#                  zones by name, and the final image has no
#                  /usr/share/zoneinfo, so without this tag every zone but UTC
#                  would fail to load. Zone data is as new as the Go release
#                  that built the binary: rebuild on new Go releases.
# -trimpath        no build-machine paths in the binary.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags timetzdata \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/rootfs/consultd ./cmd/consultd

# The rest of the final file system: CA certificates for SMTP over TLS
# (starttls and tls), and a world-writable /tmp (mode 1777; COPY keeps modes) so
# that the development outbox (./outbox, used only when no Redis is
# configured) has somewhere to go. In production mail goes over SMTP and the
# process writes no files at all.
RUN mkdir -p /out/rootfs/etc/ssl/certs /out/rootfs/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /out/rootfs/etc/ssl/certs/ \
 && chmod 1777 /out/rootfs/tmp

FROM scratch
COPY --from=build /out/rootfs/ /
# Not root: an unprivileged numeric user and group, so orchestrators that
# insist on a non-root user can verify it without an /etc/passwd.
USER 65532:65532
WORKDIR /tmp
# Inside a container the server must listen on every interface, not on
# loopback (the default of listen outside a container). The environment
# overrides the config file, so this holds even with a mounted file.
ENV CONSULTD_LISTEN=0.0.0.0:8080
EXPOSE 8080
# No HEALTHCHECK: the image has no shell and no HTTP client. Health-check
# from outside: GET /healthz (the process is up) and GET /readyz (200 only
# while Redis answers) on port 8080 of a `serve` or `web` container. A
# `worker` container serves no HTTP; see docs/production.md.
ENTRYPOINT ["/consultd"]
CMD ["serve"]
