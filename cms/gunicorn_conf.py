"""gunicorn settings for production: ``gunicorn -c python:cms.gunicorn_conf cms.wsgi``.

Access lines go to stdout through a logger that replaces link tokens, e-mail
addresses and client IPs (cms/accesslog.py). Other options come from the command
line or GUNICORN_CMD_ARGS as usual.
"""

accesslog = "-"
logger_class = "cms.accesslog.RedactingGunicornLogger"

# gunicorn 27's control socket has one default path per user (~/.gunicorn/): two servers
# run by the same user would fight over it, and nothing here uses it.
control_socket_disable = True
