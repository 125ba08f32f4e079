"""The OpenAPI 3 document of both API faces, served by drf-spectacular at /api/schema/."""
