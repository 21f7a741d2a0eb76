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
# How much `make test` fuzzes each target: 20,000 inputs, which every
# target must survive, a few seconds each. A count, not a duration: with
# a duration, Go 1.26's fuzz coordinator can report a spurious "context
# deadline exceeded" when the time runs out on a loaded machine (Go issue
# 75804, fixed in Go 1.27); a count has no deadline to race.
FUZZSMOKE ?= 20000x
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The Go modules of this repository that hold code (tools/ pins the
# generator and holds genlists).
MODULES := . contract tools

.PHONY: generate check-generate contract check-contract spec-table regen lint quick test test-newest api-compat bench fuzz

# The files go generate writes besides gen/ (by tools/genlists).
GENERATED_LISTS := user/models_gen.go user/endpoints_gen.go \
	user/usertest/operations_gen.go cmd/pieces-user/operations_gen.go

## generate: rebuild package gen and the generated lists from api/openapi.yaml
## (never edit gen/ or a *_gen.go file by hand)
generate:
	$(GO) generate ./...

## check-generate: fail with a diff when gen/ or a generated list differs
## from a fresh generation
# The generators run in a scratch copy holding only their inputs, so the
# working tree is never touched; gen/ must hold nothing else. The inputs are
# the spec, the generators and, for the table of operations that genlists
# writes into user/endpoints_gen.go, the hand-written non-test files of
# package user (the generated ones are left out, so a file the generators
# stop writing shows as missing).
check-generate:
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	mkdir -p "$$scratch/gen" "$$scratch/user/usertest" "$$scratch/cmd/pieces-user"; \
	cp -R api tools generate.go go.mod go.sum "$$scratch/"; \
	cp gen/config.yaml "$$scratch/gen/"; \
	for f in user/*.go; do \
		case "$$f" in *_test.go|*_gen.go) ;; *) cp "$$f" "$$scratch/user/" ;; esac; \
	done; \
	(cd "$$scratch" && $(GO) generate .); \
	stale=0; \
	diff -ru gen "$$scratch/gen" || stale=1; \
	for f in $(GENERATED_LISTS); do diff -u "$$f" "$$scratch/$$f" || stale=1; done; \
	if [ "$$stale" != 0 ]; then \
		echo "check-generate: the files above do not match api/openapi.yaml (or, for user/endpoints_gen.go, the methods of user.Client); run make generate (or make regen) and commit the result" >&2; \
		exit 1; \
	fi; \
	echo "check-generate: gen/ and the generated lists match api/openapi.yaml"

# The reference facts of the vendor's client, next to the repository.
REFERENCE ?= ../shared/reference/pieces-user-api.json

## contract: rebuild contract/testdata/contract.json from the reference facts
## and contract/testdata/overlay.json
contract:
	cd contract && $(GO) run ./cmd/gencontract -reference "$(abspath $(REFERENCE))"

## check-contract: fail when contract/testdata/contract.json is not what make
## contract builds (skipped when the reference facts are absent)
check-contract:
	@if [ -f "$(REFERENCE)" ]; then \
		cd contract && $(GO) run ./cmd/gencontract -check -reference "$(abspath $(REFERENCE))"; \
		echo "check-contract: contract/testdata/contract.json matches the reference and the overlay"; \
	else \
		echo "check-contract: skipped, no reference facts at $(REFERENCE)"; \
	fi

## spec-table: compare api/openapi.yaml with contract/testdata/contract.json
## (builds without the library, so compile errors cannot hide it)
spec-table: check-contract
	cd contract && $(GO) run ./cmd/speccheck

## regen: regenerate everything, then list what each operation still needs
## by hand (wrapper, fake handler, CLI command, conformance scenario)
regen: generate
	@echo "== what the hand-written code lacks"
	@$(GO) run -C tools ./genlists -root .. -todo
	@echo "== the spec against the wire table (contract/testdata/contract.json)"
	@$(MAKE) --no-print-directory spec-table || \
		echo "regen: record each fact above in contract/testdata/overlay.json with its source, then run make contract"

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

## quick: the day-to-day loop (about 25 s): the generated files, the spec
## against the wire table, unit and contract tests without the race
## detector, benchmarks or fuzzing
quick: check-generate spec-table
	$(GO) test ./...
	cd tools && $(GO) test ./...
	cd contract && $(GO) test ./...

## test: what CI runs, most specific first: the generated files, the spec
## against the wire table, the unit tests with the race detector, the
## contract and conformance tests, each benchmark once (with the memory
## bounds, which the race detector would distort), each fuzz target briefly
test: check-generate spec-table
	$(GO) test $(RACE) -count=1 ./...
	cd tools && $(GO) test -count=1 ./...
	cd contract && $(GO) test $(RACE) -count=1 ./...
	$(GO) test -run 'Memory$$' -bench . -benchtime=1x ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZSMOKE)

# The newest Go release the module supports besides the one installed; the
# go command fetches it through the module proxy.
NEWEST_GO ?= go1.27.3

## test-newest: every module's tests under NEWEST_GO, without the race
## detector (the installed release runs them with it in make test)
test-newest:
	@for m in $(MODULES); do \
		echo "go test under $(NEWEST_GO) in $$m"; \
		(cd "$$m" && GOTOOLCHAIN=$(NEWEST_GO) $(GO) test -count=1 ./...); \
	done

## api-compat: compare the wire API (oasdiff) and the Go API of user and
## user/usertest (apidiff) with BASE, a git ref: make api-compat BASE=main
api-compat:
	@if [ -z "$(BASE)" ]; then echo "usage: make api-compat BASE=<git ref>, such as BASE=main or BASE=HEAD^" >&2; exit 2; fi
	bash .ci/api-compat "$(BASE)"

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
