"""Upload checks: parsing CSV/Excel files, mapping headers, row-level validation and the
great-expectations suites, one per upload kind. Pure: no sessions, no Streamlit.

The kinds themselves are declared in `data_checks.kinds` (see its docstring for the API);
`services.platform.ingest` runs the whole pipeline (parse -> check -> references -> preview -> write)."""
