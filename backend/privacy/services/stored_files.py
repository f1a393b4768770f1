"""Files in storage that belong to rows erasure or retention deletes (a student's attachments).

Deleting a row leaves its file in storage: Django does not remove it. Erasure and retention
collect the files of the rows they are about to delete (`files_of`, before the delete, which may
cascade) and remove them once the transaction has committed (`delete_after_commit`): a rollback
keeps both the rows and their files, never a row pointing at a missing file."""

import logging
from collections.abc import Sequence
from typing import Any

from django.core.files.storage import Storage
from django.db import models, transaction

logger = logging.getLogger(__name__)

# Rows per query: well under SQLite's limit of bound parameters.
CHUNK = 500

StoredFile = tuple[Storage, str]


def files_of(model: type[models.Model], ids: Sequence[Any]) -> list[StoredFile]:
    """(storage, name) of every non-empty file field of the rows `ids` of `model`."""
    file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    if not file_fields or not ids:
        return []
    found: list[StoredFile] = []
    columns = [f.attname for f in file_fields]
    for start in range(0, len(ids), CHUNK):
        rows = model._base_manager.filter(pk__in=ids[start : start + CHUNK]).values_list(*columns)
        for row in rows:
            found += [(f.storage, name) for f, name in zip(file_fields, row, strict=True) if name]
    return found


def delete_after_commit(files: Sequence[StoredFile]) -> None:
    """Remove the files from their storage when the current transaction commits. A file that is
    gone already is fine; one that cannot be removed is logged (its row is gone either way)."""
    if not files:
        return
    pending = list(files)

    def remove() -> None:
        for storage, name in pending:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete stored file %s", name, exc_info=True)

    transaction.on_commit(remove)
