"""Keeping the file name the client sent, so the portal checks it instead of Django's rewrite.

Django's multipart parser sanitizes a file name before any upload handler sees it: it drops
folders, control and bidi characters, shortens it, and skips the file altogether when nothing
is left (``..``). ``ClientNameUploadHandler``, first in ``FILE_UPLOAD_HANDLERS``, parses the
request itself with a parser that remembers the raw name, hands the file to the remaining
handlers under a placeholder, and then sets on every uploaded file ``client_name`` (what was
sent, checked by ``validation.names``) and ``name`` (Django's sanitized name, or ``"upload"``).
"""

from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser

FALLBACK_NAME = "upload"


class ClientNameParser(MultiPartParser):
    """A ``MultiPartParser`` that never rewrites or drops a file name: each file is handed on
    under a placeholder and ``client_names`` maps the placeholder to the name sent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_names = {}

    def sanitize_file_name(self, file_name):
        placeholder = f"{FALLBACK_NAME}-{len(self.client_names)}"
        self.client_names[placeholder] = file_name
        return placeholder


class ClientNameUploadHandler(FileUploadHandler):
    """Parses multipart requests with ``ClientNameParser`` and the other configured handlers
    (Django's documented ``handle_raw_input`` hook); stores nothing itself."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        handlers = [handler for handler in self.request.upload_handlers if handler is not self]
        parser = ClientNameParser(META, input_data, handlers, encoding)
        post, files = parser.parse()
        for _field, uploads in files.lists():
            for uploaded in uploads:
                sent = parser.client_names.get(uploaded.name)
                if sent is not None:
                    uploaded.client_name = sent
                    uploaded.name = MultiPartParser.sanitize_file_name(parser, sent) or (
                        FALLBACK_NAME
                    )
        return post, files

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
