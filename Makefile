# The front door: the build is meson's (meson.build); this file only names
# the common tasks.
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all check demo install bench clean deps

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX)

deps:
	scripts/install-deps

check:
	scripts/check

demo: deps all
	scripts/demo $(BUILD)

install: $(BUILD)/build.ninja
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	ninja -C $(BUILD)
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

bench: deps all
	bench/run $(BUILD)

clean:
	rm -rf $(BUILD) build-check build-san
