"""Sealed backups: a backup folder as one zip encrypted with a passphrase (AES-256-GCM, key
from scrypt), so a backup that leaves the server (a browser download, a copy on a laptop) is
useless to whoever finds it without the passphrase.

Layout: MAGIC, 16 bytes of salt, 12 bytes of nonce, then the ciphertext of the zip.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from insights.errors import InvalidInput

MAGIC = b"OIVALLUS-SEALED-BACKUP-1\n"
SUFFIX = ".oivb"
MIN_PASSPHRASE = 12
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # ~0.1 s and 32 MB per try: slow to guess


def _key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, **_SCRYPT).derive(passphrase.encode("utf-8"))


def seal_folder(folder: Path, passphrase: str) -> bytes:
    """The files of a backup folder, zipped and encrypted with a passphrase."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(
            f"a backup passphrase needs at least {MIN_PASSPHRASE} characters", field="passphrase"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(Path(folder).iterdir()):
            archive.write(file, file.name)
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_key(passphrase, salt)).encrypt(nonce, buffer.getvalue(), MAGIC)
    return MAGIC + salt + nonce + sealed


def unseal_to_folder(data: bytes, passphrase: str, folder: Path) -> None:
    """Decrypt a sealed backup into an empty folder (raises `InvalidInput` when the passphrase
    is wrong or the file is not a sealed backup)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not data.startswith(MAGIC):
        raise InvalidInput("this is not a sealed Oivallus backup")
    head = len(MAGIC)
    salt, nonce, sealed = data[head : head + 16], data[head + 16 : head + 28], data[head + 28 :]
    try:
        plain = AESGCM(_key(passphrase, salt)).decrypt(nonce, sealed, MAGIC)
    except InvalidTag:
        raise InvalidInput("wrong passphrase, or the backup file is damaged") from None
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        for member in archive.infolist():
            name = Path(member.filename).name  # never a path outside the folder
            target = folder / name
            target.write_bytes(archive.read(member))
            target.chmod(0o600)
