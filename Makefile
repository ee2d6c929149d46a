# Convenience wrapper around CMake: the targets people type.
PREFIX   ?= /usr/local
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
BUILD    ?= build
ASAN     ?= build-asan
FUZZDIR  ?= build-fuzz
FUZZ_SECONDS ?= 60
CMAKE    ?= cmake

.PHONY: all build demo check test bench fuzz format install clean

all: build

build:
	@$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@$(CMAKE) --build $(BUILD) -j $(JOBS)

demo: build
	@sh tools/demo.sh $(BUILD)

# Every test, through CTest, in a build with AddressSanitizer + UndefinedBehaviorSanitizer.
check:
	@$(CMAKE) -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DCTLS_SANITIZE=ON -DCTLS_BUILD_BENCH=OFF >/dev/null
	@$(CMAKE) --build $(ASAN) -j $(JOBS)
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test: check

bench: build
	@$(CMAKE) --build $(BUILD) -j $(JOBS) --target ctls-bench ctls-bench-x509
	@./$(BUILD)/bench/ctls-bench $(if $(QUICK),--quick) $(BENCH_ARGS)
	@./$(BUILD)/bench/ctls-bench-x509 $(if $(QUICK),--quick)

fuzz:
	@$(CMAKE) -S . -B $(FUZZDIR) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCTLS_FUZZ=ON -DCTLS_BUILD_TESTS=OFF -DCTLS_BUILD_BENCH=OFF >/dev/null
	@$(CMAKE) --build $(FUZZDIR) -j $(JOBS)
	@sh fuzz/run.sh $(FUZZDIR) $(FUZZ_SECONDS)

format:
	@find include src tools tests bench fuzz examples -name '*.[ch]' -print0 | xargs -0 clang-format -i

install: build
	@$(CMAKE) --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZDIR)
