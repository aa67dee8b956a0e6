# tdkt image: a cgo build (go-sqlite3) in the Go image, run on Debian slim
# as an unprivileged user. tzdata is in the binary (time/tzdata), so the
# platform shows Vietnam time whatever the image's zone; ca-certificates is
# for outgoing HTTPS, wget for the health check.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/tdkt ./cmd/tdkt

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata wget \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /var/lib/tdkt tdkt \
 && mkdir -p /var/lib/tdkt/recordings /var/backups/tdkt \
 && chown tdkt /var/lib/tdkt /var/lib/tdkt/recordings /var/backups/tdkt
COPY --from=build /out/tdkt /usr/local/bin/tdkt
USER tdkt
WORKDIR /var/lib/tdkt
ENV TDKT_ADDR=:8080 TDKT_DATA=/var/lib/tdkt TZ=Asia/Ho_Chi_Minh
EXPOSE 8080
VOLUME ["/var/lib/tdkt", "/var/backups/tdkt"]
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD wget -q -O - http://127.0.0.1:8080/healthz | grep -q '"database":"ok"' || exit 1
ENTRYPOINT ["tdkt"]
CMD ["serve"]
