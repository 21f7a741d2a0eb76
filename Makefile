# Build, test and check the Pieces OS User API client. Run from the
# repository root; `make test` is what CI runs.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test
.DELETE_ON_ERROR:

GO ?= go
# The race detector needs cgo; `make test RACE=` runs without it.
RACE ?= -race
FUZZTIME ?= 10s
# How much `make test` fuzzes each target: enough to replay the seed corpus
# and try fresh inputs, little enough for CI. A count, not a duration: with
# a duration, Go 1.26's fuzz coordinator can report a spurious "context
# deadline exceeded" when the time runs out on a loaded machine (Go issue
# 75804, fixed in Go 1.27); a count has no deadline to race.
FUZZSMOKE ?= 3000x
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The Go modules of this repository that hold code (tools/ only pins the
# generator).
MODULES := . contract

.PHONY: generate check-generate lint test bench fuzz

## generate: rebuild package gen from api/openapi.yaml (never edit gen/ by hand)
generate:
	$(GO) generate ./...

## check-generate: fail with a diff when gen/ differs from a fresh generation
# The generator runs in a scratch copy holding only its inputs, so the
# working tree is never touched; gen/ must hold nothing else.
check-generate:
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	mkdir -p "$$scratch/gen"; \
	cp -R api tools generate.go go.mod go.sum "$$scratch/"; \
	cp gen/config.yaml "$$scratch/gen/"; \
	(cd "$$scratch" && $(GO) generate .); \
	if ! diff -ru gen "$$scratch/gen"; then \
		echo "check-generate: gen/ does not match api/openapi.yaml; run make generate and commit the result" >&2; \
		exit 1; \
	fi; \
	echo "check-generate: gen/ matches api/openapi.yaml"

## lint: gofmt, go vet and staticcheck over every module
lint:
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting:" >&2; echo "$$unformatted" >&2; exit 1; \
	fi
	@for m in $(MODULES); do \
		echo "vet and staticcheck in $$m"; \
		(cd "$$m" && $(GO) vet ./... && $(STATICCHECK) ./...); \
	done

## test: every test with the race detector, the contract checks, the
## generation check, each benchmark once and each fuzz target briefly
test:
	$(GO) test $(RACE) -count=1 ./...
	cd contract && $(GO) test $(RACE) -count=1 ./...
	@$(MAKE) --no-print-directory check-generate
	$(GO) test -run '^$$' -bench . -benchtime=1x ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZSMOKE)

# How many times make bench runs each benchmark; benchcheck takes the medians.
BENCHCOUNT ?= 5

## bench: run every benchmark BENCHCOUNT times into bench.out, then print
## one line per performance target (see docs/benchmarks.md)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=$(BENCHCOUNT) ./... | tee bench.out
	$(GO) run ./internal/benchcheck bench.out

## fuzz: run every fuzz target of the library for FUZZTIME each
fuzz:
	@found=0; \
	for pkg in $$($(GO) list ./...); do \
		list=$$($(GO) test -list '^Fuzz' "$$pkg"); \
		for fn in $$(grep '^Fuzz' <<<"$$list" || true); do \
			found=1; \
			echo "fuzz $$pkg $$fn for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) "$$pkg"; \
		done; \
	done; \
	if [ "$$found" = 0 ]; then echo "fuzz: no fuzz targets yet"; fi

## help: list the targets
.PHONY: help
help:
	@sed -n 's/^## //p' $(firstword $(MAKEFILE_LIST))
