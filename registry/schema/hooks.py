"""drf-spectacular hooks: the document is declared per face (registry/schema/luarocks.py and
contentdb.py) rather than introspected, because most routes are plain Django views or dispatch one
view per method, which spectacular cannot see through (it warned 61 times in `check --deploy`)."""

from registry.schema import contentdb, contentdb_files, luarocks
from registry.schema.components import COMPONENTS


def no_introspection(endpoints, **kwargs):
    """Preprocessing: introspect nothing; every operation is declared by hand."""
    return []


def declared_operations(result, generator, request, public):
    """Postprocessing: both faces' operations, auth schemes and error shapes."""
    paths = {**luarocks.PATHS, **contentdb.PATHS, **contentdb_files.PATHS}
    for path, operations in paths.items():
        for method, operation in operations.items():
            operation.setdefault("operationId", _operation_id(method, path))
    result["paths"] = paths
    components = result.setdefault("components", {})
    for section, entries in COMPONENTS.items():
        components.setdefault(section, {}).update(entries)
    result["tags"] = [
        {
            "name": luarocks.TAG,
            "description": "The upload API of `luarocks upload`, manifests and files",
        },
        {"name": contentdb.TAG, "description": "ContentDB's API for Luanti packages"},
    ]
    return result


def _operation_id(method: str, path: str) -> str:
    words = [w.strip("{}") for w in path.replace("-", "_").replace(".", "_").split("/") if w]
    return "_".join([method, *words]) or method
