# syntax=docker/dockerfile:1
# The two container images, from one build of the workspace:
#
#   docker build --target team-operator -t ghcr.io/posit-team/team-operator:0.1.0 .
#   docker build --target flightdeck -t ghcr.io/posit-team/flightdeck:0.1.0 .
#
# The binaries come from `cargo build --release --locked` over the whole workspace: the same
# command, lockfile, profile and feature set as a release build on a workstation.

ARG RUST_VERSION=1.95.0

FROM docker.io/library/rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
    && mkdir -p /out \
    && cp target/release/team-operator target/release/flightdeck /out/

# The landing page of a Site. The operator runs it as uid 999 with
# `--listen 0.0.0.0:<port>` on a read-only root filesystem.
FROM gcr.io/distroless/cc-debian12:nonroot AS flightdeck
COPY --from=build /out/flightdeck /flightdeck
USER 999:999
EXPOSE 8080
ENTRYPOINT ["/flightdeck"]

# The operator (the default target). glibc, CA certificates and nothing else: no shell, no
# package manager; it writes nothing to disk.
FROM gcr.io/distroless/cc-debian12:nonroot AS team-operator
COPY --from=build /out/team-operator /team-operator
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/team-operator"]
CMD ["run"]
