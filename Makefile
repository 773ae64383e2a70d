# stomp-wasm — the two commands a person needs are `make demo` and `make test`; see README.md.
# Every target is phony: each one runs its tools, and the tools decide what is up to date.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Tools from the lockfiles come first: node_modules/.bin has wasm-opt 132 (Debian's 108 cannot read Rust
# 1.95 output), ~/.cargo/bin has wasm-bindgen/wasm-pack/wasm-tools.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 60

FUZZ_SECONDS ?= 60
FUZZ_TARGET ?= parser

.PHONY: help bootstrap test pkg demo bench fuzz lint soak broker-start broker-stop

help:
	@echo "make demo    install what is missing, build pkg/, start the test broker (or use BROKER_URL),"
	@echo "             serve the customer-service demo on http://127.0.0.1:8080 (DEMO_PORT) until Ctrl-C"
	@echo "make test    install what is missing, start the broker, run every test suite, stop the broker"
	@echo "make pkg     build the npm package into pkg/ (web and node builds, wasm-opt -Oz)"
	@echo "make lint    rustfmt check and clippy (native and wasm32), warnings are errors"
	@echo "make bench   run the benchmarks (bench/)"
	@echo "make fuzz    fuzz the parser for FUZZ_SECONDS (default 60) with cargo-fuzz on nightly"
	@echo "make soak    SOAK_MINUTES (default 30) of at-least-once traffic with a broker-side connection kill"
	@echo "             every ~20 s; result in target/soak/result.json (the broker keeps running afterwards)"
	@echo "make bootstrap | broker-start | broker-stop"

bootstrap:
	scripts/bootstrap

test:
	scripts/test-all

pkg:
	scripts/build-pkg

demo:
	scripts/demo

broker-start:
	scripts/broker start

broker-stop:
	scripts/broker stop

bench:
	bench/run

SOAK_MINUTES ?= 30
soak:
	scripts/build-pkg
	scripts/broker start
	SOAK_MINUTES=$(SOAK_MINUTES) node --expose-gc scripts/soak.mjs

fuzz:
	@[ -d fuzz ] || { echo "fuzz: there is no fuzz/ crate yet"; exit 1; }
	@rustup toolchain list | grep -q '^nightly' || { \
		echo "fuzz: cargo-fuzz needs a nightly toolchain: rustup toolchain install nightly"; exit 1; }
	@command -v cargo-fuzz >/dev/null || { echo "fuzz: installing cargo-fuzz"; cargo install cargo-fuzz; }
	cd fuzz && cargo +nightly fuzz run $(FUZZ_TARGET) -- -max_total_time=$(FUZZ_SECONDS)

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
	cargo clippy --lib --no-default-features --features npm --target wasm32-unknown-unknown -- -D warnings
