"""Raw multipart/form-data bodies, so a test sends file names exactly as a client may.

The test client's own encoder keeps only the last part of a file's name; here the name goes
into the ``Content-Disposition`` header byte for byte (UTF-8), or RFC 2231 encoded
(``filename*``) when it holds a line break or a quote that a header cannot carry.
"""

import urllib.parse

BOUNDARY = "----portal-test-boundary-7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(fields, files):
    """``(body, content_type)`` for ``fields`` (name -> value or list of values) and
    ``files`` (field name -> ``(client file name, bytes)``)."""
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            parts.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n{item}'.encode())
    for name, (file_name, content) in files.items():
        parts.append(
            f'Content-Disposition: form-data; name="{name}"; {_filename(file_name)}\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
        )
    delimiter = f"--{BOUNDARY}\r\n".encode()
    body = b"".join(delimiter + part + b"\r\n" for part in parts) + f"--{BOUNDARY}--\r\n".encode()
    return body, CONTENT_TYPE


def _filename(file_name):
    if any(char in file_name for char in '\r\n"'):
        return "filename*=UTF-8''" + urllib.parse.quote(file_name, safe="")
    return f'filename="{file_name}"'
