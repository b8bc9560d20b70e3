# The front door: the build is meson's (meson.build); this file only names
# the common tasks.
BUILD ?= build
PREFIX ?= /usr/local
# Seconds each fuzz target runs for, in make fuzz.
FUZZ_TIME ?= 60
DESTDIR ?=
NO_DEPS ?=

.PHONY: all check fuzz demo install bench screenshots clean deps format

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX)

deps:
	scripts/install-deps

# make check NO_DEPS=1: do not install missing packages first.
check:
	NO_DEPS=$(NO_DEPS) scripts/check

# Every C file as .clang-format wants it; make check fails otherwise.
format:
	scripts/format

# libFuzzer on the /proc parsers and the escaper (clang, build-fuzz).
fuzz:
	FUZZ_TIME=$(FUZZ_TIME) scripts/fuzz

demo: $(if $(NO_DEPS),,deps) all
	scripts/demo $(BUILD)

install: $(BUILD)/build.ninja
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	ninja -C $(BUILD)
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

bench: $(if $(NO_DEPS),,deps) all
	bench/run $(BUILD)

# The README's pictures of graphns (docs/img), made anew; needs root.
screenshots: all
	scripts/screenshots $(BUILD)

clean:
	rm -rf $(BUILD) build-check build-san build-fuzz
