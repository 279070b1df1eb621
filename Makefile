# The README's two commands: `make demo` (Vigil's main job) and `make test` (the whole suite).
.PHONY: demo test build bench bench-vrrp bench-checks clean

demo:
	scripts/demo.sh

test:
	scripts/test.sh

build:
	scripts/install-deps.sh
	swift build

bench:
	scripts/install-deps.sh
	swift run -c release vigil-bench

# Needs root: a namespace lab, vigild and keepalived 2.2.7 measured side by side (about 5 minutes).
bench-vrrp:
	scripts/install-deps.sh
	swift build -c release --scratch-path .build-vbench --product vigild
	python3 Benchmarks/vrrp_failover.py

# Needs root: 10,000 TCP_CHECKs at delay_loop 1 s against local listeners in a namespace (vigild CPU,
# RSS, check latency over a bare connect), then `vigil-bench ipvs` in the emulated kernel when
# scripts/kernel-vm is prepared (about 3 minutes). Options: make bench-checks ARGS="--no-ipvs --window 60".
bench-checks:
	scripts/install-deps.sh
	swift build -c release --scratch-path .build-vbench --product vigild
	swift build -c release --scratch-path .build-vbench --product vigil-bench
	python3 Benchmarks/checks_bench.py $(ARGS)

clean:
	rm -rf .build
