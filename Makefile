# The README's two commands: `make demo` (Vigil's main job) and `make test` (the whole suite).
.PHONY: demo test build bench clean

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

clean:
	rm -rf .build
