"""gunicorn settings for production: ``gunicorn -c python:cms.gunicorn_conf cms.wsgi``.

Access lines go to stdout through a logger that replaces link tokens, e-mail
addresses and client IPs (cms/accesslog.py). Other options come from the command
line or GUNICORN_CMD_ARGS as usual.
"""

accesslog = "-"
logger_class = "cms.accesslog.RedactingGunicornLogger"
