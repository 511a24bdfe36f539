"""YAML submissions: ``student_id``, optional ``params`` and ``answers: {id: value}``.

The file is read as a stream of parser events (libyaml's ``CSafeLoader`` when
available) and nothing is ever constructed: no tag runs code, an alias is never
expanded (alias bombs cost no more than their size), and nesting is capped while
the events arrive (libyaml's own composer recurses and crashes on deep nesting).
Scalars keep the text exactly as written (``010`` stays ``010``, not octal 8).
"""

from __future__ import annotations

import yaml

from grader.submissions.draft import Draft, Origin, rejection
from grader.submissions.ids import QuestionSet, is_student_id_label
from grader.submissions.numbers import quote, unreadable
from grader.submissions.records import Rejection, Source, Submission

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

# Collections nested deeper than this reject the file. The layout needs 3 (root ->
# params -> scores); the cap also stops early what would cost libyaml time quadratic
# in the depth of flow collections ("[[[[...", 95 s for 200,000 levels).
_MAX_DEPTH = 20
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_SHOWN_ITEMS = 20  # items of a list or mapping shown in an answer's raw text
_SHOWN_CHARS = 500

_SCALAR, _MAPPING, _SEQUENCE, _ALIAS = "single value", "mapping", "list", "alias"


class _Node:
    """A scalar (text as written), a collection (children) or an unexpanded alias."""

    __slots__ = ("kind", "line", "plain", "value")

    def __init__(self, kind: str, value: object, line: int, plain: bool = False) -> None:
        self.kind, self.value, self.line, self.plain = kind, value, line, plain

    def text(self) -> str:
        """A scalar's text (``""`` for null); a short rendering of anything else."""
        if self.kind == _SCALAR:
            return "" if self.plain and self.value in _NULLS else self.value  # type: ignore[return-value]
        if self.kind == _ALIAS:
            return f"*{self.value}"
        children: list[_Node] = self.value  # type: ignore[assignment]
        if self.kind == _SEQUENCE:
            items = [child.text() for child in children[:_SHOWN_ITEMS]]
            more = len(children) > _SHOWN_ITEMS
            return "[" + ", ".join(items) + (", \u2026]" if more else "]")
        if self.kind == _MAPPING:
            pairs = children[: 2 * _SHOWN_ITEMS]
            items = [f"{k.text()}: {v.text()}" for k, v in zip(pairs[::2], pairs[1::2])]
            more = len(children) > 2 * _SHOWN_ITEMS
            return "{" + ", ".join(items) + (", \u2026}" if more else "}")
        return "\u2026"  # pragma: no cover - every kind is handled above


class _SecondDocument(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def read_yaml(data: bytes, origin: Origin, questions: QuestionSet) -> list[Submission | Rejection]:
    """The submission in a YAML file's bytes (a list of one, or of one rejection)."""
    try:
        root = _parse(data)
    except _SecondDocument as exc:
        return [rejection(origin, "more than one YAML document (a second '---')", Source(origin.file, row=exc.line))]
    except _TooDeep as exc:
        return [rejection(origin, f"nested more than {_MAX_DEPTH} levels deep", Source(origin.file, row=exc.line))]
    except yaml.MarkedYAMLError as exc:  # its str() names the stream again: the reason is built from its parts
        mark = exc.problem_mark or exc.context_mark
        problem = f"{exc.context}: {exc.problem}" if exc.context else str(exc.problem)
        hint = _quote_hint(data, mark.line) if mark and "mapping values are not allowed" in problem else ""
        return [rejection(origin, f"broken YAML: {problem}{hint}",
                          Source(origin.file, row=mark.line + 1 if mark else None))]
    except yaml.reader.ReaderError as exc:
        line = data[: max(exc.position, 0)].count(b"\n") + 1
        return [rejection(origin, f"not readable YAML text: {exc.reason}", Source(origin.file, row=line))]
    except yaml.YAMLError as exc:
        return [rejection(origin, f"broken YAML: {exc}")]
    if root is None:
        return [rejection(origin, "the YAML file holds no data")]
    if root.kind != _MAPPING:
        found = f"not a YAML mapping of keys to values (found a {root.kind})"
        return [rejection(origin, found, Source(origin.file, row=root.line))]
    return [_read_mapping(root, origin, questions)]


def _quote_hint(data: bytes, line: int) -> str:
    """What to write instead of a text answer holding ``: `` (which YAML reads as a second key), quoted."""
    lines = data.decode("utf-8", "replace").splitlines()
    text = lines[line] if 0 <= line < len(lines) else ""
    key, colon, value = text.strip().partition(": ")
    value = value.strip()
    if not colon or value[:1] in ("'", '"', "[", "{") or not (": " in value or value.endswith(":")):
        return ""  # another trouble than a text with a colon in it
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    shown = f'{key}: "{quoted}"'
    if len(shown) > 80:
        shown = f'{key}: "{quoted[:60]}\u2026"'
    return f"; a text holding ': ' must be in quotes, e.g. {shown}"


def read_one_line_answers(student_id: str, answers: list[tuple[str, str]], line: int, origin: Origin,
                          questions: QuestionSet) -> Submission | Rejection:
    """What ``read_yaml`` gives for a document that has ``student_id: <id>`` on ``line``, ``answers:``
    on the next and then each answer on a line of its own, every key and value a string (the web page's
    hand-in, ``grader.web.handins``), without writing and parsing it: one line each needs every text
    printable (no line break). A null-like text (``~``, ``null``) is a quoted string in such a file, so
    it is read as written. tests/web/test_handins.py holds the two readings equal."""
    pairs = [_Node(_SCALAR, "student_id", line), _Node(_SCALAR, student_id, line),
             _Node(_SCALAR, "answers", line + 1), _Node(_MAPPING, [], line + 1)]
    inner: list[_Node] = pairs[3].value  # type: ignore[assignment]
    for offset, (question, text) in enumerate(answers, start=line + 2):
        inner += [_Node(_SCALAR, question, offset), _Node(_SCALAR, text, offset)]
    return _read_mapping(_Node(_MAPPING, pairs, line), origin, questions)


def _parse(data: bytes) -> _Node | None:
    """The document's tree down to ``_MAX_DEPTH``; UTF-8/16 by BOM, else cp1252/Latin-1."""
    try:
        return _build(data)
    except yaml.reader.ReaderError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        return _build(text)


def _build(stream: bytes | str) -> _Node | None:
    root: _Node | None = None
    stack: list[_Node] = []
    documents = 0
    loader = _Loader(stream)
    try:
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                node = _Node(_SCALAR, event.value, event.start_mark.line + 1, not event.style)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) >= _MAX_DEPTH:
                    raise _TooDeep(event.start_mark.line + 1)
                node = _Node(_MAPPING if kind is yaml.MappingStartEvent else _SEQUENCE, [], event.start_mark.line + 1)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                continue
            elif kind is yaml.AliasEvent:
                node = _Node(_ALIAS, event.anchor, event.start_mark.line + 1)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _SecondDocument(event.start_mark.line + 1)
                continue
            elif event is None or kind is yaml.StreamEndEvent:
                return root
            else:
                continue
            if stack:
                stack[-1].value.append(node)  # type: ignore[union-attr]
            else:
                root = node
            if node.kind is _MAPPING or node.kind is _SEQUENCE:
                stack.append(node)
    finally:
        loader.dispose()


def _pairs(node: _Node) -> list[tuple[_Node, _Node]]:
    children = node.value
    return list(zip(children[::2], children[1::2]))  # type: ignore[index]


def _read_mapping(root: _Node, origin: Origin, questions: QuestionSet) -> Submission | Rejection:
    draft = Draft(origin, questions)
    pairs = _pairs(root)
    folded = [key.text().strip().casefold() if key.kind == _SCALAR else "" for key, _ in pairs]
    flat = "answers" not in folded
    if flat:
        draft.note("no 'answers:' mapping: read question ids from the top level")
    for (key, value), name in zip(pairs, folded):
        if key.kind == _SCALAR and is_student_id_label(key.value):  # type: ignore[arg-type]
            if value.kind == _SCALAR:
                draft.set_student_id(value.text())
        elif name in ("params", "parameters"):
            _read_params(value, draft)
        elif name == "answers":
            if value.kind == _MAPPING:
                for answer_key, answer in _pairs(value):
                    _add_answer(answer_key, answer, draft)
            elif value.kind != _SCALAR or value.text():
                found = f"'answers' is not a mapping of question ids to values (found a {value.kind})"
                return rejection(origin, found, Source(origin.file, row=value.line))
        elif flat:
            _add_answer(key, value, draft)
    return draft.finish()


def _read_params(node: _Node, draft: Draft) -> None:
    if node.kind != _MAPPING:
        if node.kind != _SCALAR or node.text():
            draft.note(f"ignored 'params' (line {node.line}): not a mapping")
        return
    for key, value in _pairs(node):
        name = key.text().strip()
        if value.kind == _MAPPING:  # scores: {dog: ..., cat: ...}
            for inner_key, inner in _pairs(value):
                _add_param(f"{name}.{inner_key.text().strip()}", inner, draft)
        else:
            _add_param(name, value, draft)


def _add_param(name: str, value: _Node, draft: Draft) -> None:
    if value.kind == _SCALAR:
        draft.add_param(name, value.text())
    else:
        draft.note(f"ignored parameter {quote(name)} (line {value.line}): not a single value")


def _add_answer(key: _Node, value: _Node, draft: Draft) -> None:
    source = Source(draft.origin.file, row=key.line)
    if key.kind != _SCALAR:
        draft.note(f"ignored an answer whose key is not a question id (line {key.line})")
        return
    label: str = key.value  # type: ignore[assignment]
    raw = value.text()
    if value.kind == _SCALAR:
        draft.add_answer(label, raw, source)
        return
    if len(raw) > _SHOWN_CHARS:
        raw = raw[: _SHOWN_CHARS - 1] + "\u2026"
    if value.kind == _ALIAS:
        draft.add_answer(label, raw, source, f"{unreadable(raw)}: write the number itself, not an alias")
    else:
        draft.add_answer(label, raw, source, f"{unreadable(raw)}: write one number, not a {value.kind}")


__all__ = ["read_one_line_answers", "read_yaml"]
