# The README's two commands: `make demo` (Vigil's main job) and `make test` (the whole suite).
.PHONY: demo test build bench bench-vrrp clean

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

clean:
	rm -rf .build
