"""Server-side prepared statements for the few statements a crowd runs thousands of
times (a signature, an RSVP claim), on PostgreSQL.

Django's psycopg cursors bind parameters on the client: each call quotes every value
into the SQL text (``PostgresClientQuery.dump``, about 6 % of a signature's Python time
in a py-spy profile), and PostgreSQL parses and plans the statement afresh. A client
cursor also ignores ``prepare=True``. This cursor sends the values apart and, with
``prepare=True``, PostgreSQL plans the statement once per connection.

Statements run here do not appear in Django's query log (``connection.queries``,
CaptureQueriesContext): use it only for a statement whose module says so.
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def prepared_cursor(using: str = DEFAULT_DB_ALIAS):
    """A psycopg cursor with server-side binding on Django's connection (PostgreSQL
    only), with Django's database errors. In autocommit each statement commits; in a
    caller's transaction it joins it."""
    import psycopg

    connection = connections[using]
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        psycopg.Cursor(connection.connection) as cursor,
    ):
        yield cursor
