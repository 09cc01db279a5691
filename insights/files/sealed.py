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

from vocabulary import settings
from vocabulary.errors import InvalidInput, Message

MAGIC = b"OIVALLUS-SEALED-BACKUP-1\n"
SUFFIX = ".oivb"
MIN_PASSPHRASE = 12
MIN_DIGITS_ONLY = 16  # a PIN-like passphrase of digits only is guessed much sooner
COMMON = (  # what is left of a passphrase once these and digits are taken out must be real
    "password",
    "passphrase",
    "salasana",
    "oivallus",
    "backup",
    "qwerty",
    "asdf",
    "letmein",
    "welcome",
    "admin",
    "secret",
    "abc",
)
MAX_MEMBERS = 1_000
MIN_LIMIT_MB = 64  # a restore may always unpack this much ...
MAX_RATIO = 50  # ... else at most this many times the sealed file ...
_CHUNK = 1 << 20
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # ~0.1 s and 32 MB per try: slow to guess


def _key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, **_SCRYPT).derive(passphrase.encode("utf-8"))


def passphrase_problem(passphrase: str) -> Message | None:
    """What makes a passphrase too weak to seal a backup with, or None when it will do."""
    if len(passphrase) < MIN_PASSPHRASE:
        return Message(
            "a backup passphrase needs at least {count} characters", {"count": MIN_PASSPHRASE}
        )
    if len(set(passphrase)) == 1:
        return Message("a backup passphrase of one repeated character is guessed at once")
    if passphrase.isdigit() and len(passphrase) < MIN_DIGITS_ONLY:
        return Message(
            "a backup passphrase of digits only needs at least {count} of them",
            {"count": MIN_DIGITS_ONLY},
        )
    rest = passphrase.casefold()
    for word in COMMON:
        rest = rest.replace(word, "")
    if not passphrase.isdigit() and len({c for c in rest if c.isalpha()}) < 3:
        return Message(
            "a backup passphrase made of common words (password, salasana, qwerty ...) and "
            "digits is guessed at once; use a few unrelated words"
        )
    return None


def seal_folder(folder: Path, passphrase: str) -> bytes:
    """The files of a backup folder, zipped and encrypted with a passphrase; raises
    `InvalidInput` for a weak passphrase (see `passphrase_problem`)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    problem = passphrase_problem(passphrase)
    if problem:
        raise InvalidInput(problem, field="passphrase")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(Path(folder).iterdir()):
            archive.write(file, file.name)
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_key(passphrase, salt)).encrypt(nonce, buffer.getvalue(), MAGIC)
    return MAGIC + salt + nonce + sealed


def restore_limit(sealed_size: int) -> int:
    """The most bytes a sealed backup of this size may unpack to: MAX_RATIO times its size
    (at least MIN_LIMIT_MB), never more than $OIVALLUS_RESTORE_LIMIT_MB."""
    ceiling = int(settings.current().restore_limit_mb * 2**20)
    return min(ceiling, max(MIN_LIMIT_MB << 20, MAX_RATIO * sealed_size))


def unseal_to_folder(data: bytes, passphrase: str, folder: Path) -> None:
    """Decrypt a sealed backup into an empty folder (raises `InvalidInput` when the passphrase
    is wrong, the file is not a sealed backup or it unpacks past `restore_limit`)."""
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
    try:
        archive = zipfile.ZipFile(io.BytesIO(plain))
    except zipfile.BadZipFile:
        raise InvalidInput("the sealed backup holds no backup (it is damaged)") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InvalidInput(
                "the sealed backup holds {count} files; it was not read", count=len(members)
            )
        _unpack(archive, members, folder, restore_limit(len(data)))


def _unpack(archive: zipfile.ZipFile, members, folder: Path, limit: int) -> None:
    """Each member streamed to its file in chunks, counting what is unpacked: a backup
    inflating past `limit` (a zip bomb) stops there, never whole in memory."""
    unpacked = 0
    for member in members:
        target = folder / Path(member.filename).name  # never a path outside the folder
        with archive.open(member) as stream, open(target, "wb") as out:
            target.chmod(0o600)
            while chunk := stream.read(_CHUNK):
                unpacked += len(chunk)
                if unpacked > limit:
                    raise InvalidInput(
                        "the sealed backup unpacks to more than {size} MB, over {ratio} times "
                        "its own size (a damaged or hostile file); it was not restored",
                        size=round(limit / 2**20),
                        ratio=MAX_RATIO,
                    )
                out.write(chunk)
