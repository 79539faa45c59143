"""The web workbench (`reportgen serve`): the whole annual round in a browser.

Owns the pages, the accounts of the shared (intranet) mode, uploads, build jobs and the
report preview. It calls the library through its public entry points (config, data,
rounds.collect/forms, build, output) and never imports python-docx or matplotlib itself:
builds run in a separate process (`worker`). Modules:

- app      routes and pages (Starlette), sessions, CSRF, access rules
- pages_auth, pages_data, pages_build  the pages: sign-in and accounts; 数据; 生成
- server   `reportgen serve`: checks, the first shared start, the port, uvicorn
- state    the folder under output/.reportgen/web that keeps everything across restarts
- jobs     one build at a time per city, run in a worker process, progress for the page
- worker   `python -m generator.web.worker`: runs a build and reports it as JSON lines
- status   what the overview shows per region (data state, missing values, last build)
- datafiles  checking and replacing the values workbook; county forms through rounds.collect
- preview, pdf  document blocks → HTML; .docx → PDF through LibreOffice when installed
- accounts, audit, uploads  passwords, the audit log, limits for uploaded files
- wording  the library's messages as a page says them (buttons, not command-line options)
"""
