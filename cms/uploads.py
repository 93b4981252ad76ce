"""Files are taken in the admin only.

No public form has a file field, yet Django reads every file part of any multipart
POST and spools it to a temporary file: through gunicorn under the production
settings, one anonymous POST to the signup page wrote 1.25 GB to /tmp and held a web
worker until gunicorn's timeout killed it (a 500). This handler, first in
``FILE_UPLOAD_HANDLERS``, stops reading a request at its first file part anywhere but
the admin (documents, images, imports): the fields before it are parsed as usual, so
the form answers as it would without the file, and nothing more is read or written.
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

ADMIN_PREFIX = "/admin/"


class FilesOnlyInTheAdmin(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        path = self.request.path_info if self.request is not None else ""
        if not path.startswith(ADMIN_PREFIX):
            # connection_reset: the rest of the body is left unread, not drained.
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
