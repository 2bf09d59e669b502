"""The JSON API's shapes: request bodies (requests) and what each route answers (the other
modules). /openapi.json is built from them; tests/integration/test_openapi_schema.py checks
real answers against it. Answers are strict (extra keys are refused), so the schema says
exactly what a client gets."""
