# ire1seq: `make demo` runs the whole workflow on the bundled demo cohort; `make test` runs the checks.
# Both set up a fresh Debian/Ubuntu machine first: .venv with the package, and the command-line tools.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 2
# Debian package that provides each command-line tool the workflow runs (and R's survival package,
# the independent implementation tests/test_clinical_r_crosscheck.py checks the clinical models against).
TOOLS := STAR:rna-star samtools:samtools featureCounts:subread salmon:salmon kallisto:kallisto \
  bustools:bustools Rscript:r-cran-survival
# Aligners the benchmarks compare against (bench/xbp1_accuracy, bench/xbp1_fastq); not needed to run.
BENCH_TOOLS := hisat2:hisat2 minimap2:minimap2 bowtie2:bowtie2
DEMO_FASTQ := resources/demo/fastq/.complete
# The demo's own config and sheets: config/ is the template for a real cohort and is never written.
DEMO_CONFIG := resources/demo/config/config.yaml
# As in an activated .venv: the workflow's shell rules run its `ire1seq` command.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup tools bench-tools demo demo-data test test-fast lint clean

setup: $(VENV)/.installed tools

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

tools:
	@missing=""; for pair in $(TOOLS); do \
	  command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing tools. Install them with: sudo apt-get install$$missing"; \
	    echo "  (or: conda install -c conda-forge -c bioconda star=2.7.10b samtools=1.16.1 subread=2.0.3 salmon=1.10 kallisto=0.48.0 bustools=0.42.0 r-survival)"; \
	    exit 1; \
	  fi; \
	fi

bench-tools: setup
	$(MAKE) tools TOOLS="$(BENCH_TOOLS)"

demo-data: $(DEMO_FASTQ)

# FASTQ files are regenerated deterministically (too large to commit); the rest is committed.
$(DEMO_FASTQ): $(VENV)/.installed $(wildcard ire1seq/demo/*.py)
	$(BIN)/python -m ire1seq.demo --out resources/demo --sheets resources/demo/config
	touch $@

demo: setup demo-data
	$(BIN)/snakemake --cores $(CORES) --profile profiles/default --configfile $(DEMO_CONFIG)
	$(BIN)/snakemake --cores $(CORES) --profile profiles/default --configfile $(DEMO_CONFIG) --report results/report.html
	@echo "Report: $$(pwd)/results/report.html"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow/rules/
	$(BIN)/snakemake --lint --cores 1 --configfile $(DEMO_CONFIG)

# Unit tests on both cores, then the workflow tests: those of the shared demo runs on one worker
# (each run made once), the independent ones (calibration, dry runs, resume runs) on the other.
test: setup demo-data lint
	$(BIN)/pytest -q -n 2 -m "not slow"
	$(BIN)/pytest -q -n 2 --dist loadgroup -m slow

# The inner loop: unit tests only (no workflow runs; dry runs read the demo FASTQ heads).
test-fast: setup demo-data
	$(BIN)/pytest -q -n 2 -m "not slow"

clean:
	rm -rf results logs benchmarks resources/star .snakemake
