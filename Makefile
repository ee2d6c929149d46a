# Convenience wrapper around CMake: the targets people type.
PREFIX   ?= /usr/local
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
BUILD    ?= build
ASAN     ?= build-asan
FUZZDIR  ?= build-fuzz
TSAN     ?= build-tsan
# the unit tests that run connections, caches and pools in several threads at once
TSAN_TESTS = test_buf test_crypto_kat test_session test_session_cache test_ticket_keys
FUZZ_SECONDS ?= 60
CMAKE    ?= cmake

.PHONY: all build demo check tsan test bench fuzz format install clean

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
	@$(MAKE) --no-print-directory tsan

# The threaded unit tests again under ThreadSanitizer (clang): any data race fails.
tsan:
	@$(CMAKE) -S . -B $(TSAN) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
	  -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread -DCTLS_BUILD_BENCH=OFF >/dev/null
	@$(CMAKE) --build $(TSAN) -j $(JOBS) --target $(TSAN_TESTS)
	@for t in $(TSAN_TESTS); do \
	  if TSAN_OPTIONS="halt_on_error=1 exitcode=66" ./$(TSAN)/tests/$$t >$(TSAN)/$$t.log 2>&1; then \
	    echo "tsan: $$t ok ($$(tail -n 1 $(TSAN)/$$t.log))"; \
	  else cat $(TSAN)/$$t.log; echo "tsan: $$t FAILED"; exit 1; fi; done

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
	rm -rf $(BUILD) $(ASAN) $(FUZZDIR) $(TSAN)
