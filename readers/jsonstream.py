"""JSON read as a stream: the items of a top-level list (or of the first list inside a
top-level object) one at a time, so a 60 MB file of `{}` never becomes 20 million dicts.

A list past MAX_ITEMS items, or one item past MAX_ITEM_MB, is refused with a message saying
so; the document is read in chunks of a megabyte.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from vocabulary.errors import ReadError

MAX_ITEMS = 1_048_576  # Excel's row limit: past it a JSON export is split, not imported whole
MAX_ITEM_MB = 2  # one object (one row) past this is no row of a table
_CHUNK = 1 << 20
_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


class _Stream:
    """A text stream with a window of unread characters and the line the window starts at."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle, self.buffer, self.pos, self.line, self.eof = handle, "", 0, 1, False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.line += self.buffer.count("\n", 0, self.pos)
        self.buffer, self.pos = self.buffer[self.pos :] + chunk, 0
        return True

    def here(self) -> int:
        """The line the next character is on."""
        return self.line + self.buffer.count("\n", 0, self.pos)

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                return ""

    def value(self) -> Any:
        """The next JSON value, reading more until it is complete."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.pos > MAX_ITEM_MB << 20:
                    raise ReadError(
                        "an object at line {line} is longer than {size} MB; export one row "
                        "per object",
                        line=self.here(),
                        size=MAX_ITEM_MB,
                    ) from None
                if self.more():
                    continue
                line = self.line + error.lineno - 1
                raise ReadError(
                    "not valid JSON at line {line}: {problem}", line=line, problem=error.msg
                ) from None
            except RecursionError:
                raise ReadError(
                    "the JSON is nested too deeply to read; export a flat list of objects"
                ) from None
            except ValueError:  # an integer of thousands of digits (Python's own limit)
                raise ReadError(
                    "a number near line {line} is too long to be a value; check the export",
                    line=self.here(),
                ) from None
            # a number at the very end of the window may go on in the next chunk
            partial = end == len(self.buffer) and not isinstance(value, dict | list | str)
            if partial and self.more():
                continue
            self.pos = end
            return value

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek() or "the end of the file"
            raise ReadError(
                "not valid JSON at line {line}: expected {expected}, not {found}",
                line=self.here(),
                expected=repr(char),
                found=repr(found),
            )
        self.pos += 1


def items(handle: IO[str]) -> Iterator[Any]:
    """The items of the list a JSON document holds: the document itself when it is a list,
    the first list among a top-level object's values, else the object as one item."""
    stream = _Stream(handle)
    first = stream.peek()
    if first == "[":
        yield from _list(stream)
        return
    if first != "{":
        if not first:
            raise ReadError("the file holds no JSON")
        stream.value()  # a bad document says where; a good one is no list
        raise ReadError("expected a list of objects")
    stream.pos += 1
    fields: dict[str, Any] = {}
    while (char := stream.peek()) != "}":
        if char == ",":
            stream.pos += 1
            continue
        key = stream.value()
        stream.expect(":")
        if stream.peek() == "[":
            yield from _list(stream)
            return
        fields[str(key)] = stream.value()
        if len(fields) > MAX_ITEMS:
            raise ReadError("the JSON object has more than {count} keys", count=MAX_ITEMS)
    yield fields


def _list(stream: _Stream) -> Iterator[Any]:
    stream.expect("[")
    count = 0
    while (char := stream.peek()) != "]":
        if not char:
            raise ReadError("not valid JSON: the list never ends (is the file complete?)")
        if char == ",":
            stream.pos += 1
            continue
        count += 1
        if count > MAX_ITEMS:
            raise ReadError(
                "the JSON list has more than {count} items; split the file and import the "
                "parts one by one",
                count=MAX_ITEMS,
            )
        yield stream.value()
    stream.pos += 1
