"""The OpenAPI 3.1 document of the HTTP API (served at /api/v1/openapi.json by views/api.py),
generated from the operations and pydantic models of views/api_models.py."""

from __future__ import annotations

from views.api_models import MAX_ITEMS, OPERATIONS, NewInsight, Operation, Problem

ERRORS = {
    "400": "The body is not JSON",
    "401": "No live token: send Authorization: Bearer oiv_...",
    "403": "The token's scope or its person's role does not allow this",
    "404": "Not found",
    "405": "Another method is needed here",
    "409": "Changed meanwhile",
    "413": "The body is larger than the limit",
    "415": "Send the body as application/json",
    "422": "A field was refused: see `errors`",
    "429": "Too many requests: wait for Retry-After seconds",
}


def _parameters(operation: Operation, schemas: dict) -> list[dict]:
    found: list[dict] = []
    if "{id}" in operation.path:
        found.append({"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}})
    if operation.query is not None:
        shape = operation.query.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(shape.pop("$defs", {}))
        required = set(shape.get("required", []))
        for name, field in shape["properties"].items():
            parameter = {"name": name, "in": "query", "required": name in required}
            if field.get("type") == "array":
                parameter |= {"style": "form", "explode": True}
            found.append(parameter | {"schema": field})
    return found


def _body(operation: Operation) -> dict:
    one = {"$ref": f"#/components/schemas/{operation.body.__name__}"}
    schema: dict = one
    if operation.body is NewInsight:
        many = {"type": "array", "items": one, "minItems": 1, "maxItems": MAX_ITEMS}
        schema = {"oneOf": [one, many]}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _content(operation: Operation, answer: dict) -> dict:
    """What a success answer holds: JSON, or for a streamed answer each of its media types
    (a CSV as text, JSON Lines one `answer` a line)."""
    if not operation.streamed:
        return {"application/json": {"schema": answer}}
    return {
        media: {"schema": answer if "json" in media else {"type": "string"}}
        for media in operation.streamed
    }


def openapi(prefix: str = "/api/v1") -> dict:
    """The OpenAPI 3.1 document of every operation, its schemas from the pydantic models."""
    from pydantic.json_schema import models_json_schema

    models = {Problem, *(o.answer for o in OPERATIONS)}
    models |= {o.body for o in OPERATIONS if o.body is not None}
    _, defs = models_json_schema(
        [(m, "serialization") for m in sorted(models, key=lambda m: m.__name__)],
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict = dict(defs.get("$defs", {}))
    paths: dict[str, dict] = {}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operation in OPERATIONS:
        answer = {"$ref": f"#/components/schemas/{operation.answer.__name__}"}
        entry: dict = {
            "operationId": operation.name,
            "summary": operation.summary,
            "description": f"Needs a token with the scope `{operation.scope.value}`.",
            "security": [{"token": [operation.scope.value]}],
            "parameters": _parameters(operation, schemas),
            "responses": {
                str(operation.status): {
                    "description": "Done",
                    "content": _content(operation, answer),
                },
                **{
                    code: {"description": text, "content": problem} for code, text in ERRORS.items()
                },
            },
        }
        if operation.body is not None:
            entry["requestBody"] = _body(operation)
        if operation.upload:
            binary = {"schema": {"type": "string", "format": "binary"}}
            entry["requestBody"] = {"required": True, "content": {"*/*": binary}}
        paths.setdefault(prefix + operation.path, {})[operation.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Oivallus API",
            "version": "1",
            "description": "Customer insights, the backlog, themes and KPIs. Every request "
            "carries a personal access token (made on the app's API tokens page) and acts "
            "as its person: the same role checks and audit entries as the pages.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
