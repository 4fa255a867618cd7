"""Per-scale chapter configuration: one code path, a small `ci` and a larger `paper` setting."""
from types import SimpleNamespace

SCALES = ("ci", "paper")


def scale_config(scale: str, **configs: dict) -> SimpleNamespace:
    """Return the configuration for `scale` (keyword per scale, e.g. ci={...}, paper={...}) as attributes."""
    if scale not in SCALES:
        raise ValueError(f"SCALE must be one of {', '.join(map(repr, SCALES))}; got {scale!r}")
    missing = [s for s in SCALES if s not in configs]
    if missing:
        raise ValueError(f"scale_config needs a configuration for every scale; missing: {', '.join(missing)}")
    ci_keys, paper_keys = set(configs["ci"]), set(configs["paper"])
    if ci_keys != paper_keys:
        raise ValueError(f"ci and paper configurations must have the same keys; differ in {sorted(ci_keys ^ paper_keys)}")
    return SimpleNamespace(**configs[scale])
