"""A digest (and its e-mail) is written in its reader's language: their account's, else the
server's ($OIVALLUS_LANGUAGE), else English - headings, plurals and dates alike."""

from __future__ import annotations

from datetime import date

from vocabulary.backlog import QuestionIn


def _two_readers(kb):
    kb.people.ensure_admin("correct horse battery")
    kb.people.create_user("aino", "Aino Virtanen", role="researcher", team="Research")
    kb.people.create_user("bob", "Bob Smith", role="researcher", team="Research")
    aino = kb.acting_as(kb.people.user("aino"))
    aino.people.set_language("fi")
    bob = kb.acting_as(kb.people.user("bob"))
    for person in (aino, bob):
        person.people.follow("segment", "SMB")
    question = kb.backlog.ask(QuestionIn(text="Why are invoices wrong for companies?"))
    aino.backlog.vote(question.id, "aino")
    bob.backlog.vote(question.id, "bob")
    kb.add({"text": "Invoice address was wrong for a company customer", "segment": "SMB"})
    kb.backlog.set_status(question.id, "dropped", reason="Out of scope")


def test_a_finnish_persons_digest_is_finnish_and_an_english_persons_english(kb, monkeypatch):
    monkeypatch.delenv("OIVALLUS_LANGUAGE", raising=False)
    _two_readers(kb)
    end = date(2030, 1, 7)
    finnish = kb.digest(username="aino", end=date.today())
    assert finnish.language == "fi"
    assert "## Uutta segmentissä SMB" in finnish.markdown
    assert "## Kysymykset" not in finnish.markdown  # nothing answered: no empty heading
    assert finnish.subject.startswith("Oivalluksen kooste: Aino Virtanen, ")
    assert f"{date.today():%-d.%-m.%Y}" in finnish.subject  # 5.12.2026
    assert "New in" not in finnish.markdown and "lang='fi'" in finnish.html
    english = kb.digest(username="bob", end=date.today())
    assert english.language == "en"
    assert "## New in segment SMB" in english.markdown
    assert english.subject.startswith("Oivallus digest for Bob Smith, ")
    quiet = kb.digest(username="aino", end=end)  # a week with nothing new
    assert "Seuraamissasi asioissa ei ole tällä viikolla mitään uutta." in quiet.markdown


def test_without_a_choice_the_servers_language_writes_the_digest(kb, monkeypatch):
    _two_readers(kb)
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "sv")
    assert "## Nytt i segmentet SMB" in kb.digest(username="bob").markdown
    assert kb.digest(team="Research").recipient == "team Research"
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    assert kb.digest(team="Research").recipient == "tiimi Research"


def test_the_e_mail_carries_the_digests_language_and_subject(kb, monkeypatch):
    from email.message import EmailMessage

    import ingest.digest as mail

    monkeypatch.delenv("OIVALLUS_LANGUAGE", raising=False)
    _two_readers(kb)
    sent: list[EmailMessage] = []

    class Server:  # the SMTP server at the other end (no network in a test)
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def starttls(self):
            pass

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr(mail.smtplib, "SMTP", Server)
    mail.send({"host": "smtp.example.com"}, "aino@example.com", kb.digest(username="aino"))
    assert sent[0]["Content-Language"] == "fi"
    assert sent[0]["Subject"].startswith("Oivalluksen kooste: Aino Virtanen")
