# perflab as a container image, for machines where perflab is not a Linux
# program (macOS, Windows) or where only Docker is installed. Build it once,
# then run the course from it against the engine it was built on:
#
#   docker build -t perflab .
#   docker run -it --rm -v /var/run/docker.sock:/var/run/docker.sock -v perflab-state:/state perflab
#
# perflab talks to the engine through the mounted socket, starts the lab and
# its helpers as on any machine, and runs the load beside the lab (a
# short-lived container on the lab's network), so it needs no route to the lab
# and no privileges of its own. Progress, the journal of host changes and the
# reports live in the perflab-state volume; the lab's objects are the engine's.
#
# Where no Rust image can be pulled (an air-gapped classroom, this project's
# CI), build from a perflab compiled on a Linux machine of the same kind
# instead; the build stage then takes that binary and compiles nothing:
#
#   cargo build --release --locked
#   docker build --build-arg PERFLAB_BINARY=target/release/perflab -t perflab .

ARG PERFLAB_BINARY=
# Rust to compile perflab, or (with PERFLAB_BINARY) Debian to take it as built.
ARG BUILD_IMAGE=${PERFLAB_BINARY:+debian:bookworm-slim}

FROM ${BUILD_IMAGE:-rust:1-bookworm} AS build
ARG PERFLAB_BINARY
WORKDIR /src
COPY . .
# rust:1-bookworm links against Debian 12's glibc, which the run stage has.
RUN if [ -n "$PERFLAB_BINARY" ]; then \
      install -m 0755 "$PERFLAB_BINARY" /perflab; \
    else \
      cargo build --release --locked && install -m 0755 target/release/perflab /perflab; \
    fi

# What perflab needs to run: glibc and libgcc (both in Debian's slim image).
# Everything else it does through the engine: the lab's own images carry nginx,
# php-fpm, conntrack, perf and the rest.
FROM debian:bookworm-slim
COPY --from=build /perflab /usr/local/bin/perflab
ENV PERFLAB_STATE_DIR=/state
VOLUME /state
WORKDIR /state
ENTRYPOINT ["perflab"]
