# The two commands a new user needs are `make demo` and `make test`; both set up what is missing.
SHELL := /bin/bash
# /opt/swift/usr/bin only when swift is not on PATH already: SwiftPM rebuilds everything when the
# PATH it sees changes, so make and a shell should see the same one.
export PATH := $(if $(shell command -v swift),$(PATH),$(PATH):/opt/swift/usr/bin)

BIN := .build/debug/otpbridge
DEMO := .build/demo

.PHONY: all bootstrap build test test-venv demo bench fuzz clean install man regenerate-proto tenant-report-check format format-check scale-check

all: build

bootstrap:
	@bash scripts/bootstrap.sh
	@bash scripts/record-commit.sh

build: bootstrap
	swift build

test: build format-check man test-venv
	swift test

# A tenant on a real Slurm cluster of this one machine (root; installs slurm-wlm and munge when
# missing): a 4-task job array and its merge must equal one unsharded run (docs/tenant.md).
scale-check: build
	@bash scripts/scale-check.sh

# The Python packages the tests' independent checks use (scripts/test-requirements.txt).
test-venv:
	@bash scripts/test-venv.sh

# The man page, .build/man/otpbridge.1, from the commands (generate-manual) with their examples;
# `make test` makes it so that a page groff warns about fails the tests.
man: build
	@bash scripts/man-page.sh

# swift-format (part of the Swift toolchain) with .swift-format; generated protobuf code is left
# as protoc-gen-swift writes it. `make format` rewrites, `make format-check` (run by `make test`)
# fails on any file `make format` would change.
SWIFT_SOURCES = $(shell find Package.swift Sources Plugins Tests Fuzz/Package.swift Fuzz/Sources Fuzz/Targets -name '*.swift' ! -name '*.pb.swift')

format:
	@swift format format --configuration .swift-format --in-place --parallel $(SWIFT_SOURCES)

format-check:
	@swift format lint --strict --configuration .swift-format --parallel $(SWIFT_SOURCES)

# Runs the main jobs on examples/ into a fresh folder, so it can be run again and again.
demo: build
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@echo "== The accounts in an otpauth list (secrets masked):"
	$(BIN) inspect examples/otpauth/accounts.txt
	@echo
	@echo "== Convert it into an encrypted Aegis vault (password from a file), with the per-account loss report:"
	$(BIN) convert examples/otpauth/accounts.txt --to aegis --new-password-file examples/aegis/password.txt -o $(DEMO)/vault.json
	@echo
	@echo "== Check that the vault gives the same codes as the list:"
	$(BIN) verify examples/otpauth/accounts.txt $(DEMO)/vault.json --converted-password-file examples/aegis/password.txt
	@echo
	@echo "== Into 2FAS, which cannot hold 20 s or 50 s periods: the loss report stops the conversion:"
	-$(BIN) convert examples/otpauth/accounts.txt --to 2fas -o $(DEMO)/backup.2fas
	@echo
	@echo "== A file with a broken line: the rest still converts, but only with --allow-lossy:"
	-$(BIN) convert examples/otpauth/with-problems.txt --to otpauth -o $(DEMO)/partial.txt
	$(BIN) convert examples/otpauth/with-problems.txt --to otpauth -o $(DEMO)/partial.txt --allow-lossy
	@echo
	@echo "== Audit the examples: what cannot move, why, and what to do (Microsoft first):"
	-$(BIN) audit examples/microsoft examples/otpauth/with-problems.txt --target google-authenticator
	@echo
	@echo "== Codes at a fixed time (add --json for scripts):"
	$(BIN) codes examples/otpauth/accounts.txt --at 1234567890
	@echo
	@echo "== Into Google Authenticator: transfer QR codes as PNG (the loss report names what it cannot hold),"
	@echo "== then the PNG read back as a phone would scan it:"
	$(BIN) convert examples/otpauth/accounts.txt --to google-migration --allow-lossy --qr png $(DEMO)/qr
	$(BIN) inspect $(DEMO)/qr/1-Google-Authenticator-transfer-code-1-of-1.png

# Runs the example tenant (docs/tenant.md; exit 5 is expected: dave's export is missing), then
# renders its HTML report in headless Chromium (Debian: apt-get install chromium): the DOM the
# browser built must hold the chart and the re-enrol list, and the screenshot is
# .build/tenant-report.png, to look at.
TENANT_OUT := .build/tenant-example

tenant-report-check: build
	@command -v chromium >/dev/null || { echo "tenant-report-check: needs chromium (apt-get install chromium)" >&2; exit 1; }
	@rm -rf $(TENANT_OUT)
	ERIN_EXPORT_PASSWORD=example ERIN_NEW_PASSWORD=new-example \
	  $(BIN) tenant migrate examples/tenant/manifest.csv --out $(TENANT_OUT) --to otpauth || [ $$? -eq 5 ]
	chromium --headless --no-sandbox --disable-gpu --dump-dom file://$(abspath $(TENANT_OUT))/report.html > $(TENANT_OUT)/dom.html
	grep -q '<svg' $(TENANT_OUT)/dom.html && grep -q 'carol@contoso.com' $(TENANT_OUT)/dom.html
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1500 \
	  --screenshot=$(abspath .build)/tenant-report.png file://$(abspath $(TENANT_OUT))/report.html
	@test -s .build/tenant-report.png && echo "tenant-report-check: rendered; see .build/tenant-report.png"

# Regenerates Plugins/GoogleMigration/migration.pb.swift from migration.proto with protoc and the
# protoc-gen-swift of the swift-protobuf version the package resolved to (built once, in .build).
# Only needed after editing the .proto; the generated file is committed.
PROTOBUF_CHECKOUT := .build/checkouts/swift-protobuf
PROTOC_GEN_SWIFT := .build/protoc-gen-swift/release/protoc-gen-swift

regenerate-proto: bootstrap
	command -v protoc >/dev/null || $$( [ "$$(id -u)" -ne 0 ] && echo sudo ) apt-get install -y -qq protobuf-compiler
	swift package resolve
	swift build -c release --package-path $(PROTOBUF_CHECKOUT) --scratch-path .build/protoc-gen-swift --product protoc-gen-swift
	protoc --plugin=protoc-gen-swift=$(PROTOC_GEN_SWIFT) --proto_path=Plugins/GoogleMigration \
	  --swift_out=Plugins/GoogleMigration migration.proto

# Release builds link the Swift runtime and Foundation statically: the binary starts in about half
# the time, since the loader no longer binds a dozen Swift libraries (docs/benchmarks.md).
RELEASE := -c release --static-swift-stdlib

# Throughput and peak memory of the readers, writers and the CLI (release build); see docs/benchmarks.md.
# Its own build folder, so that a release build never waits for (or invalidates) the debug one.
# `make bench CASES=tenant` runs only the cases whose names contain "tenant"; `CASES="cli |otpauth read"` either.
CASES ?=
bench: bootstrap
	swift build $(RELEASE) --scratch-path .build-release --product otpbridge
	swift build $(RELEASE) --scratch-path .build-release --product otpbridge-bench
	.build-release/release/otpbridge-bench all bench-results.json "$(CASES)"

# libFuzzer targets, one per reader, built from the separate package in Fuzz/ (so `swift build` and
# `swift test` never compile them) and run for SECONDS each; see docs/fuzzing.md.
SECONDS ?= 30
fuzz: bootstrap
	bash scripts/fuzz.sh $(SECONDS)

# The binary, the man page and the completions for bash, zsh and fish, under PREFIX (DESTDIR for
# packaging): `make install`, or `make install PREFIX=$$HOME/.local` without root. docs/cli.md says
# how each shell finds them.
PREFIX ?= /usr/local
install: man
	swift build $(RELEASE) --scratch-path .build-release --product otpbridge
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 .build-release/release/otpbridge $(DESTDIR)$(PREFIX)/bin/otpbridge
	install -m 0644 .build/man/otpbridge.1 $(DESTDIR)$(PREFIX)/share/man/man1/otpbridge.1
	$(BIN) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/otpbridge
	$(BIN) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_otpbridge
	$(BIN) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/otpbridge.fish
	@echo "Installed otpbridge, its man page and completions under $(DESTDIR)$(PREFIX)."

clean:
	rm -rf .build
