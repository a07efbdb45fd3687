"""Code that runs next to student code, in the untrusted process.

Nothing here imports the scoring side: it hands observations back only as data (JSON and `.npy`/`.npz` arrays).
"""

from __future__ import annotations
