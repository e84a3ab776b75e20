# Thin wrapper over CMake: the real build lives in CMakeLists.txt.
#   make run    install missing packages, build, index corpus/ and serve on 127.0.0.1:$(PORT)
#   make test   install missing packages, build and run every test through CTest
#   make asan   the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
BUILD      ?= build
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc)
PORT       ?= 8080
DB         ?= $(BUILD)/index

.PHONY: all deps build test run index asan bench clean
all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

index: build
	$(BUILD)/medsearch-index --db $(DB) --synonyms synonyms corpus

run: index
	$(BUILD)/medsearch-server --db $(DB) --host 127.0.0.1 --port $(PORT)

asan:
	$(MAKE) test BUILD=build-asan BUILD_TYPE=Asan

bench: build
	$(BUILD)/bench/medsearch-bench-relevance

clean:
	rm -rf build build-asan
