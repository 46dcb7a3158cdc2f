"""JSON-Schema validation of the config and of sheet rows, with one short message per error.

Snakemake's validator fills the schema's defaults; when it refuses, the error is described here by
the key path (or column), the value and what the schema allows, never as a dump of the schema.
"""

from pathlib import Path

from ire1seq.data import SCHEMAS
from ire1seq.errors import InputError


def schema_path(name: str) -> Path:
    """The JSON Schema of the config or of a sheet (config, samples, units, clinical)."""
    return SCHEMAS / f"{name}.schema.yaml"


def validate_config(config: dict, schema_path, files) -> None:
    """Validate the workflow config (defaults filled in); `files` are the config files it came from."""
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    try:
        validate(config, str(schema_path))
    except WorkflowError:
        error = first_error(config, schema_path)
        key = ".".join(map(str, error.absolute_path))
        where = f"key '{key}'" if key else "top level"
        raise InputError(
            f"config {', '.join(map(str, files)) or '(command line)'}, {where}: {describe(error)}. "
            "Fix it in the config file (or --config)."
        ) from None


def validate_row(row: dict, schema_path) -> str | None:
    """The problem with one sheet row as `column 'x': message`, or None when it is valid."""
    error = first_error(row, schema_path)
    if error is None:
        return None
    column = error.absolute_path[0] if error.absolute_path else None
    return f"{f'column {column!r}: ' if column is not None else ''}{describe(error)}"


def first_error(instance, schema_path):
    import jsonschema
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text())
    return jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(instance))


def describe(error) -> str:
    """The value and what is allowed, from the failing schema keyword."""
    schema, value = error.schema, error.instance
    if error.validator == "additionalProperties":
        unknown = sorted(set(value) - set(schema.get("properties", {})))
        return f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(schema.get('properties', {}))}"
    if error.validator == "required":
        return error.message
    allowed = []
    if "enum" in schema:
        allowed.append(f"one of {', '.join(map(str, schema['enum']))}")
    if "type" in schema:
        allowed.append(f"type {schema['type']}")
    for bound, words in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
        if bound in schema:
            allowed.append(f"{words} {schema[bound]}")
    if "pattern" in schema:
        allowed.append(f"matching {schema['pattern']}")
    return f"{value!r} is not allowed ({error.message}); allowed: {', '.join(allowed) or 'see the description'}"
