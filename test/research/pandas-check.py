"""Prints what load.py loaded, for loaders.test.ts: per table its columns' dtypes (with ordered
categories) and, for site_session_summary, every cell (missing as null)."""
import json
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, ".")
import load  # noqa: E402

out = {"tables": {}, "site_session_summary": []}
for name in load.__all__:
    table = getattr(load, name)
    out["tables"][name] = {
        column: {
            "dtype": str(dtype),
            "categories": [str(c) for c in dtype.categories] if str(dtype) == "category" else None,
            "ordered": bool(dtype.ordered) if str(dtype) == "category" else None,
            "label": table.attrs["labels"][column],
        }
        for column, dtype in table.dtypes.items()
    }


def cell(value):
    if pd.isna(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return str(value)


for row in load.site_session_summary.astype(object).itertuples(index=False):
    out["site_session_summary"].append([cell(v) for v in row])
print(json.dumps(out))
