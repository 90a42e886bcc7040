"""`archiver serve`: the archive as a web page for journalists (Starlette, Jinja2, uvicorn)."""
