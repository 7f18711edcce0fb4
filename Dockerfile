# Latch: a static binary on a distroless base, running as a non-root user,
# fit for a read-only root file system (the only writable path is /data,
# a volume: SQLite database and, in development, the generated secret).
#
#   docker build -t latch .
#   docker run --read-only -p 8000:8000 -v latch-data:/data \
#     -e BETTER_AUTH_SECRET="$(openssl rand -hex 32)" -e BETTER_AUTH_URL=http://localhost:8000 latch
#
# deploy/check.sh runs the same go build command without Docker.

FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/latch ./cmd/latch \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/latch /latch
COPY --from=build --chown=65532:65532 /out/data /data
ENV LATCH_DATA_DIR=/data \
    PORT=8000 \
    LATCH_ENV=production \
    LATCH_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8000
USER 65532:65532
ENTRYPOINT ["/latch"]
CMD ["serve"]
