"""Which Celery queue a background task goes to (docs/operations.md, "More than one machine").

CARECIRCLE_REGION_QUEUES maps region codes to queues: "339901=east,339902=west" (a district's
6-digit prefix or its full 12-digit code; a street's or a community's code also works). A task that
belongs to a region (an import for a district, a district's payroll: `@task(region=...)` in
core/tasks.py, or a `region_code` argument) goes to the queue of the most specific entry containing
that region; a task for the whole city, or for a region no entry contains, goes to the default
queue. `carecircle worker --queues east` consumes one queue, so a large district's heavy jobs run on
its own machines and never wait behind another district's.
"""

DEFAULT_QUEUE = "celery"  # Celery's own default: periodic slots, the sweep and unrouted tasks
_LEVELS = (2, 4, 6, 9, 12)  # province, city, district, street, community: digits a code's level keeps


class QueueSettingError(ValueError):
    pass


def _prefix(code: str) -> str:
    """A region code's significant digits: 339901000000 -> 339901, 339901001000 -> 339901001."""
    code = code.strip()
    if not code.isdigit() or len(code) not in _LEVELS:
        raise QueueSettingError(code)
    for digits in _LEVELS:
        if len(code) == digits or not code[digits:].strip("0"):
            return code[:digits]
    return code


def parse(value: str) -> dict[str, str]:
    """ "339901=east, 339902=west" -> {"339901": "east", "339902": "west"} (prefix -> queue)."""
    routes: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        code, sep, queue = item.partition("=")
        queue = queue.strip()
        if not sep or not queue or not queue.replace("-", "").replace("_", "").isalnum():
            raise QueueSettingError(f"CARECIRCLE_REGION_QUEUES: 无法识别“{item}”，应为“区划代码=队列名”")
        try:
            routes[_prefix(code)] = queue
        except QueueSettingError:
            raise QueueSettingError(f"CARECIRCLE_REGION_QUEUES: “{code.strip()}”不是有效的区划代码") from None
    return routes


def queues(routes: dict[str, str]) -> list[str]:
    """Every queue a layout has: the default one first, then the regions' queues."""
    return [DEFAULT_QUEUE, *sorted(set(routes.values()) - {DEFAULT_QUEUE})]


def queue_for(routes: dict[str, str], region_code: str | None) -> str:
    """The queue of the most specific entry whose region contains `region_code`."""
    if not region_code or not routes:
        return DEFAULT_QUEUE
    try:
        prefix = _prefix(str(region_code))
    except QueueSettingError:
        return DEFAULT_QUEUE
    best = ""
    for key in routes:
        if prefix.startswith(key) and len(key) > len(best):
            best = key
    return routes[best] if best else DEFAULT_QUEUE
