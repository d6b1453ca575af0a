"""Units suspended by oversight (a major hazard found and not yet put right): the modules that take
new orders, dispatch and admissions ask here, and oversight answers through its optional
`suspensions.py` (core/plugins.py), so that a deployment without oversight suspends nothing.

(The file is named in the singular so that the discovery, which also looks in core, finds only the
modules' own.) Kinds: "homecare" (home-care provider ids) and "facility" (facility ids, 托育 included)."""

from collections.abc import Iterable

from carecircle.core import plugins


def suspended(kind: str, ids: Iterable[int]) -> dict[int, str]:
    """{id: why} of the given units of `kind` that are suspended now."""
    wanted = list(ids)
    found: dict[int, str] = {}
    if not wanted:
        return found
    for module in plugins.optional_submodules("suspensions"):
        found.update(module.suspended(kind, wanted))
    return found
