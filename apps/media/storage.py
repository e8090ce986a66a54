"""The S3 storage of media files (`STORAGES["default"]` and `["private"]` when `AWS_STORAGE_BUCKET_NAME`
is set): django-storages' `S3Storage`, plus the headers the media library decided for each object.

django-storages sets `Content-Type` from the client's claimed type of an upload when there is one, and
never sets `Content-Disposition`. The media services hand over files carrying `content_type` (the type
sniffed from the content) and, for documents and archives, `content_disposition` (a download), so the
bucket serves each object with those headers and a browser never renders a stored file as a page.
"""

from typing import Any

from storages.backends.s3 import S3Storage as BaseS3Storage


class S3Storage(BaseS3Storage):
    def _get_write_parameters(self, name: str, content: Any = None) -> dict[str, Any]:
        params = super()._get_write_parameters(name, content)
        disposition = getattr(content, "content_disposition", None)
        if disposition and "ContentDisposition" not in params:
            params["ContentDisposition"] = disposition
        return params
