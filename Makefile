# The README's two commands: `make demo` and `make test`. Both create or reuse
# .venv and install what they need, so a fresh Debian machine with Python 3.11
# needs nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Tests grade in parallel on this many pytest-xdist workers (one grading each at a time);
# the two-core machine CI runs on is busy with two. `make test TEST_WORKERS=0` runs serially.
TEST_WORKERS ?= 2
# loadgroup hands a worker one test at a time as it frees up (an ungrouped test is a
# group of its own): with tests of 10 s to 8 min that ends better balanced than `load`,
# which sends tests ahead in chunks (fresh clone: 28 min 25 s against 31 min 21 s).
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# Offline machines: use the read-only data mirror beside the checkout when the
# caller has not pointed COURSE_DATA_DIR elsewhere (see README, "Data").
ifeq ($(origin COURSE_DATA_DIR), undefined)
  ifneq ($(wildcard ../shared/datasets),)
    export COURSE_DATA_DIR := $(abspath ../shared/datasets)
  endif
endif

.PHONY: demo test check lint install clean sandbox-tools

install: $(STAMP) sandbox-tools

# Grading runs student code inside bubblewrap (Debian package `bubblewrap`).
# As root, install it; otherwise say how, since grading refuses to run without it.
sandbox-tools:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing bubblewrap (the grading sandbox)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	  else \
	    echo "bubblewrap is missing: install it with 'sudo apt-get install bubblewrap'"; exit 1; \
	  fi; }

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP) sandbox-tools
	$(BIN)/course demo

test: $(STAMP) sandbox-tools
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(PYTEST)

# The inner loop (under 3 minutes): lint, types and every test not marked slow
# (the slow ones grade notebooks end to end and stay in `make test`).
check: $(STAMP) sandbox-tools
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(PYTEST) -m "not slow" --durations=5

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
