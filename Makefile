# Shortcuts over scripts/ (which need no make: a fresh Debian has none).
#   make demo            scripts/demo.sh: set up, run the tools on samples/
#   make test            scripts/test.sh: set up, run the whole suite
#   make check-sanitize  the suite again under ASan + UBSan
.PHONY: all build demo test check-sanitize format clean

all: build

build:
	scripts/setup.sh

demo:
	scripts/demo.sh

test:
	scripts/test.sh

check-sanitize:
	scripts/test.sh --sanitize

format:
	clang-format -i lib/*.c lib/*.h lib/*.cpp lib/include/*.h cli/*.c \
	    cli/*.h tests/unit/*.c tests/unit/*.h

clean:
	rm -rf build build-sanitize demo-out
