"""The mailbox the app polls (ingest/mailbox.py, readers/mail.py), against a real IMAP server on
loopback: pymap's in-memory server (a dev extra), one folder per test."""

from __future__ import annotations

import imaplib
import socket
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from itertools import count

import pytest

from ingest import mailbox
from ingest.jobs import watch_mailbox
from ingest.mailbox import MailboxSettings, poll, poll_and_record
from readers.mail import clean_body, html_text, read_message
from vocabulary.errors import InvalidInput
from vocabulary.knowledge import MAX_TEXT_CHARS, SearchFilters

USER, PASSWORD = "oivallus@example.com", "mailbox test password"
FOLDERS = count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def imap_port():
    """pymap serving one in-memory mailbox on a free loopback port for the module's tests."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pymap.main import main; sys.exit(main())"]
        + ["--host", "127.0.0.1", "--port", str(port), "--no-tls"]
        + ["dict", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"pymap did not start: {server.communicate()[1].decode()[-2000:]}")
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(10)


@pytest.fixture
def box(imap_port) -> MailboxSettings:
    """A fresh folder of the test server, as the [mailbox] settings name it."""
    folder = f"Test{next(FOLDERS)}"
    with client(imap_port) as imap:
        imap.create(folder)
    return MailboxSettings.of(
        {
            "host": "127.0.0.1",
            "port": imap_port,
            "username": USER,
            "password": PASSWORD,
            "folder": folder,
            "security": "none",
        }
    )


class client:
    """A signed-in IMAP connection to the test server (a context manager)."""

    def __init__(self, port: int) -> None:
        self.imap = imaplib.IMAP4("127.0.0.1", port)
        self.imap.login(USER, PASSWORD)

    def __enter__(self) -> imaplib.IMAP4:
        return self.imap

    def __exit__(self, *exc) -> None:
        self.imap.logout()


def message(sender: str, subject: str, text: str | None, html: str | None = None, **headers):
    """A message as a mail program sends it."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, USER, subject
    mail["Date"] = "Mon, 30 Nov 2026 09:15:00 +0200"
    mail["Message-ID"] = headers.pop("message_id", f"<{abs(hash((sender, subject)))}@example.com>")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    if text is not None:
        mail.set_content(text)
        if html is not None:
            mail.add_alternative(html, subtype="html")
    else:
        mail.set_content(html or "", subtype="html")
    return mail


def deliver(settings: MailboxSettings, *messages: EmailMessage) -> None:
    with client(settings.port) as imap:
        for mail in messages:
            typ, _ = imap.append(settings.folder, None, None, mail.as_bytes())
            assert typ == "OK"


def unread(settings: MailboxSettings, folder: str | None = None) -> int:
    with client(settings.port) as imap:
        imap.select(folder or settings.folder)
        _, data = imap.uid("SEARCH", "UNSEEN")
        return len(data[0].split())


@pytest.fixture
def people(kb):
    """aino (researcher) and mikko (contributor) with addresses, vera a viewer, pekka disabled."""
    kb.people.ensure_admin("correct horse battery")
    for username, name, role, email in (
        ("aino", "Aino Virtanen", "researcher", "aino.virtanen@example.com"),
        ("mikko", "Mikko Laine", "contributor", "Mikko.Laine@Example.com"),
        ("vera", "Vera Viewer", "viewer", "vera@example.com"),
        ("pekka", "Pekka Poissa", "contributor", "pekka@example.com"),
    ):
        kb.people.create_user(username, name, role=role, team="Sales")
        kb.people.set_email(username, email)
    kb.people.disable_user("pekka")
    return kb


FINNISH = (
    "Asiakkaat valittavat, että kotiinkuljetus myöhästyy torstaisin.\n"
    "Kolme asiakasta kysyi tänään samaa.\n\n-- \nAino Virtanen\nMyymäläpäällikkö\n"
)
REPLY = (
    "Customers keep asking for a cheaper delivery option on weekends.\n\n"
    "On Mon, 30 Nov 2026 at 08:00, Support Desk <support@example.com> wrote:\n"
    "> What did customers say about delivery this week?\n> Thanks\n"
)
HTML = (
    "<html><head><style>p {color: red}</style></head><body><p>The self-checkout &amp; the "
    "card reader froze twice today.</p><p>Customers left their baskets.</p>"
    "<blockquote>Earlier mail quoted</blockquote><script>alert(1)</script></body></html>"
)


def test_mail_from_known_people_becomes_their_insights(people, box):
    kb = people
    twice = message("Aino Virtanen <AINO.VIRTANEN@example.com>", "Toimitukset", FINNISH)
    deliver(
        box,
        twice,
        message("mikko.laine@example.com", "Re: Delivery this week", REPLY),
        message("Stranger <stranger@example.org>", "Buy now", "Cheap watches"),
        message("Mikko <mikko.laine@example.com>", "Self-checkout", None, html=HTML),
        twice,
        message("pekka@example.com", "Vanha tili", "Tämä tili on poistettu käytöstä."),
        message("vera@example.com", "Katsoja", "Katsoja ei voi lisätä havaintoja."),
    )
    report = poll(kb, box)
    assert (report.added, report.known, report.refused) == (3, 1, 3)
    found, total = kb.insights.browse(SearchFilters(source=["e-mail"]), limit=10)
    assert total == 3
    by_title = {i.title: i for i in found}
    finnish = by_title["Toimitukset"]
    assert finnish.text == (
        "Asiakkaat valittavat, että kotiinkuljetus myöhästyy torstaisin.\n"
        "Kolme asiakasta kysyi tänään samaa."
    )
    assert (finnish.language, finnish.created_by, finnish.author) == ("fi", "aino", "Aino Virtanen")
    assert finnish.source == "e-mail" and finnish.external_id == twice["Message-ID"]
    assert str(finnish.observed_at) == "2026-11-30"
    reply = by_title["Re: Delivery this week"]
    assert reply.text == "Customers keep asking for a cheaper delivery option on weekends."
    assert (reply.language, reply.created_by) == ("en", "mikko")
    html = by_title["Self-checkout"]
    assert html.text == (
        "The self-checkout & the card reader froze twice today.\n\nCustomers left their baskets."
    )
    audit = kb.people.audit("insight", None, "aino", limit=10)
    # as the person, as the pages do (the message met twice: its one insight named twice)
    assert {(e.action, e.entity_id) for e in audit} == {("create", str(finnish.id))}
    # the refused three stay unread; the rest are read and never added again
    assert unread(box) == 3
    again = poll(kb, box)
    assert (again.added, again.known, again.refused) == (0, 0, 3)
    assert kb.insights.browse(SearchFilters(source=["e-mail"]))[1] == 3


def test_a_mail_insight_sends_the_insight_added_webhook(people, box):
    people.core.outbox.allow_http_for_tests = True
    hook, _secret = people.webhooks.register(
        {
            "name": "local",
            "url": "http://127.0.0.1:9/hook",
            "events": ["insight.added"],
            "allow_private": True,
        }
    )
    deliver(box, message("aino.virtanen@example.com", "Ovi", "Automaattiovi jumittaa."))
    assert poll(people, box).added == 1
    people.wait_for_links(10)
    [queued] = people.webhooks.deliveries(hook.id)
    assert queued.event == "insight.added"


def test_the_same_message_again_later_is_not_added_twice(people, box):
    mail = message("aino.virtanen@example.com", "Hyllyt", "Hyllyjen hintalaput puuttuvat.")
    deliver(box, mail)
    assert poll(people, box).added == 1
    deliver(box, mail)  # forwarded again, or the mark as read was lost
    report = poll(people, box)
    assert (report.added, report.known) == (0, 1)
    assert unread(box) == 0


def test_unread_mail_from_strangers_does_not_hold_up_later_mail(people, box, monkeypatch):
    monkeypatch.setattr(mailbox, "MAX_PER_POLL", 2)
    strangers = [message(f"s{n}@spam.example", f"Spam {n}", "Buy") for n in range(3)]
    known = [message("aino.virtanen@example.com", f"Havainto {n}", f"Asia {n}") for n in range(3)]
    deliver(box, *strangers, *known)
    first = poll(people, box)
    assert (first.added, first.refused) == (2, 3)
    second = poll(people, box)
    assert (second.added, second.refused) == (1, 3)


def test_a_message_that_cannot_be_an_insight_does_not_hold_up_later_mail(people, box):
    """A Message-ID with a control character (a broken mail program or a hostile sender) once
    failed every poll from then on; its id is cleaned and the mail after it is read too."""
    broken = message("aino.virtanen@example.com", "Rikki", "Asiakas kysyi kuitista.")
    raw = broken.as_bytes()
    old_id = str(broken["Message-ID"]).encode()
    with client(box.port) as imap:
        typ, _ = imap.append(box.folder, None, None, raw.replace(old_id, b"<bad\x01id@x.example>"))
        assert typ == "OK"
    deliver(box, message("aino.virtanen@example.com", "Toimiva", "Kassajono oli pitkä."))
    report = poll_and_record(people, box)
    assert mailbox.state(people).last_error is None
    assert report.added == 2 and unread(box) == 0


def test_allowed_domains_refuse_other_domains(people, box):
    people.people.set_email("mikko", "mikko@partner.example")
    settings = MailboxSettings.of({**vars(box), "allowed_domains": ["example.com"]})
    deliver(
        box,
        message("mikko@partner.example", "Partner", "Partners see late deliveries too."),
        message("aino.virtanen@example.com", "Oma", "Asiakkaat kiittivät uutta kassaa."),
    )
    report = poll(people, settings)
    assert (report.added, report.refused) == (1, 1)


def test_authserv_id_requires_dmarc_pass_from_the_receiving_server(people, box):
    settings = MailboxSettings.of({**vars(box), "authserv_id": "mx.example.com"})
    passed = message(
        "aino.virtanen@example.com",
        "Aito",
        "Asiakas kysyi lahjakortista.",
        Authentication_Results="mx.example.com; spf=pass; dkim=pass; dmarc=pass",
    )
    forged = message(  # the forger's own header, below the receiving server's
        "aino.virtanen@example.com",
        "Väärennetty",
        "Lähetä rahaa.",
        Authentication_Results="mx.example.com; dmarc=fail",
    )
    forged["Authentication-Results"] = "mx.example.com; dmarc=pass"
    deliver(box, passed, forged, message("aino.virtanen@example.com", "Ei otsaketta", "Hei"))
    report = poll(people, settings)
    assert (report.added, report.refused) == (1, 2)


def test_processed_folder_takes_the_added_mail(people, box, imap_port):
    with client(imap_port) as imap:
        imap.create(f"{box.folder}-done")
    settings = MailboxSettings.of({**vars(box), "processed_folder": f"{box.folder}-done"})
    deliver(
        box,
        message("aino.virtanen@example.com", "Kassa", "Kassajono oli pitkä aamulla."),
        message("stranger@example.org", "Hello", "Left where it is."),
    )
    assert poll(people, settings).added == 1
    with client(imap_port) as imap:
        assert imap.select(box.folder)[1] == [b"1"]
        assert imap.select(f"{box.folder}-done")[1] == [b"1"]


def test_an_oversized_body_is_cut_with_a_note(people, box):
    long = "Asiakas kertoi pitkästi kokemuksistaan. " * 1000  # 41,000 characters
    deliver(box, message("aino.virtanen@example.com", "Pitkä", long))
    report = poll(people, box)
    assert (report.added, report.cut) == (1, 1)
    stored = people.insights.browse(SearchFilters(source=["e-mail"]))[0][0]
    assert len(stored.text) <= MAX_TEXT_CHARS
    assert stored.text.endswith("characters of the e-mail cut]")


def test_a_failed_poll_is_kept_for_admin_without_the_password(people, box):
    wrong = MailboxSettings.of({**vars(box), "password": "not the password"})
    report = poll_and_record(people, wrong)
    assert report.added == 0
    state = mailbox.state(people)
    assert state.last_poll is not None and state.last_error
    assert "not the password" not in state.last_error
    deliver(box, message("aino.virtanen@example.com", "Uusi", "Asiakas halusi kuitin."))
    poll_and_record(people, box)
    state = mailbox.state(people)
    assert (state.added, state.refused, state.last_error) == (1, 0, None)


def test_the_jobs_poll_the_mailbox_until_stopped(people, box):
    deliver(box, message("aino.virtanen@example.com", "Taustalla", "Hyllyt olivat tyhjiä."))
    settings = MailboxSettings.of({**vars(box), "poll_minutes": 0.1})
    stop = threading.Event()
    thread = threading.Thread(target=watch_mailbox, args=(people, stop, settings))
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while mailbox.state(people).added < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(10)
    assert mailbox.state(people).added == 1 and not thread.is_alive()


# --- the settings ----------------------------------------------------------------------------


def test_settings_come_from_the_secrets_file(tmp_path):
    secrets = tmp_path / "secrets.toml"
    assert mailbox.mailbox_settings(secrets) is None
    secrets.write_text('[mailbox]\nhost = "imap.example.com"\nusername = "a@example.com"\n')
    with pytest.raises(InvalidInput, match="needs password"):
        mailbox.mailbox_settings(secrets)
    secrets.write_text(
        '[mailbox]\nhost = "imap.example.com"\nusername = "a@example.com"\npassword = "pw"\n'
        'allowed_domains = ["@Example.com"]\n'
    )
    settings = mailbox.mailbox_settings(secrets)
    assert settings is not None
    assert (settings.port, settings.security, settings.folder) == (993, "ssl", "INBOX")
    assert settings.allowed_domains == ("example.com",)
    assert "pw" not in repr(settings)


def test_an_unencrypted_mailbox_is_only_for_loopback():
    base = {"host": "imap.example.com", "username": "a", "password": "b", "security": "none"}
    with pytest.raises(InvalidInput, match="unencrypted"):
        MailboxSettings.of(base)
    assert MailboxSettings.of({**base, "host": "::1"}).port == 143
    with pytest.raises(InvalidInput, match="ssl, starttls or none"):
        MailboxSettings.of({**base, "security": "tls"})


# --- the body ------------------------------------------------------------------------------


def test_quoted_replies_forwards_and_signatures_are_trimmed():
    assert clean_body(REPLY) == "Customers keep asking for a cheaper delivery option on weekends."
    finnish_gmail = (
        "Lapsiperheet toivovat leikkinurkkaa.\n\n"
        "ma 30.11.2026 klo 8.00 Asiakaspalvelu <palvelu@example.com> kirjoitti:\n> Kysymys\n"
    )
    assert clean_body(finnish_gmail) == "Lapsiperheet toivovat leikkinurkkaa."
    swedish = "Kunderna vill betala med Swish.\n\nDen 30 nov. 2026 kl. 08:00 skrev Anna <a@x.fi>:\n"
    assert clean_body(swedish) == "Kunderna vill betala med Swish."
    outlook = (
        "Katso alla oleva asiakkaan palaute.\n\n________________________________\n"
        "Lähettäjä: Asiakas <asiakas@example.org>\nLähetetty: maanantai 30. marraskuuta\n"
        "Aihe: Valitus\n\nTuote oli rikki."
    )
    assert clean_body(outlook) == "Katso alla oleva asiakkaan palaute."
    swedish_outlook = "Se nedan.\n\nFrån: Kund <k@example.org>\nSkickat: den 30 nov\nÄmne: X\nHej"
    assert clean_body(swedish_outlook) == "Se nedan."
    forwarded = "FYI\n\n---------- Forwarded message ---------\nFrom: A <a@b.c>\nHello"
    assert clean_body(forwarded) == "FYI"
    wrapped = "Good idea.\n\nOn Mon, 30 Nov 2026 at 08:00, Support Desk\n<s@example.com> wrote:\n"
    assert clean_body(wrapped) == "Good idea."


def test_a_notes_own_words_that_look_like_mail_stay():
    note = (
        'Asiakas kirjoitti:\n"Toimitus kesti viikon."\n'
        "From: the shop floor, not an e-mail header.\nThe customer wrote: thanks!"
    )
    assert clean_body(note) == note


def test_html_is_reduced_to_text_never_run():
    text = html_text(HTML)
    assert not {"color", "alert", "Earlier mail quoted", "<", "&amp;"} & set(text.split())
    assert clean_body(text) == (
        "The self-checkout & the card reader froze twice today.\n\nCustomers left their baskets."
    )


def test_a_message_is_read_with_its_parts():
    mail = message("Aino <Aino@Example.com>", "  Hei   maailma ", "Teksti", html="<p>HTML</p>")
    mail.add_attachment(b"%PDF-1.4 secret", maintype="application", subtype="pdf", filename="a.pdf")
    read = read_message(mail.as_bytes())
    assert (read.sender, read.subject, read.text) == ("aino@example.com", "Hei maailma", "Teksti")
    several = message("a@example.com, b@example.com", "Two", "Who?")
    assert read_message(several.as_bytes()).sender is None
    no_id = EmailMessage()
    no_id["From"] = "a@example.com"
    no_id.set_content("x")
    assert read_message(no_id.as_bytes()).message_id.startswith("sha256:")


# --- Admin ---------------------------------------------------------------------------------


def test_admin_sees_the_mailbox_and_sets_addresses(app_db, tmp_path, monkeypatch):
    from tests.test_pages import open_app, shared

    at = open_app("views/admin.py")
    assert any("No mailbox is set up" in i.value for i in at.info)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[mailbox]\nhost = "imap.example.com"\nusername = "oivallus@example.com"\n'
        'password = "very secret mailbox password"\nallowed_domains = ["example.com"]\n'
    )
    monkeypatch.setattr(mailbox, "SECRETS", secrets)
    kb = shared(app_db)
    settings = mailbox.mailbox_settings()
    assert settings is not None
    poll_and_record(kb, MailboxSettings.of({**vars(settings), "host": "127.0.0.1", "port": 1}))
    at = open_app("views/admin.py")
    shown = " ".join(str(e.value) for e in [*at.caption, *at.warning, *at.metric])
    assert r"on imap\.example\.com (INBOX) every 5 minutes" in shown  # escaped as Markdown
    assert "Only mail from these domains" in shown and "The last read failed" in shown
    assert "very secret" not in shown
    at.selectbox(key="who").select("mikko").run()
    at.text_input(key="email-mikko").input("Mikko.Laine@Example.com").run()
    next(b for b in at.button if b.label == "Set e-mail").click().run()
    assert not at.exception, at.exception
    assert kb.people.user("mikko").email == "mikko.laine@example.com"
    at.text_input(key="email-mikko").input("not an address").run()
    next(b for b in at.button if b.label == "Set e-mail").click().run()
    assert "is not an e-mail address" in " ".join(e.value for e in at.error)
    secrets.write_text('[mailbox]\nhost = "imap.example.com"\nsecurity = "none"\n')
    at = open_app("views/admin.py")
    assert any("cannot be used" in e.value for e in at.error)


def test_one_address_belongs_to_one_person(people):
    """Mail from an address becomes one person's insight: an address another account already
    has (as its e-mail, or as its username under single sign-on) is refused, so a typo cannot
    hand Aino's mail to Mikko."""
    kb = people
    with pytest.raises(InvalidInput):
        kb.people.set_email("mikko", "AINO.VIRTANEN@example.com")
    kb.people.create_user("sso@example.com", "Sso Person", role="viewer")
    with pytest.raises(InvalidInput):
        kb.people.set_email("mikko", "sso@example.com")
    assert kb.people.user("mikko").email == "mikko.laine@example.com"
    kb.people.set_email("aino", "aino.virtanen@example.com")  # one's own again: fine


def test_a_deeply_nested_message_is_read_as_from_nobody():
    """A thousand multipart levels (60 KB, well under the 2 MB read) are more than Python's
    mail parser recurses through: such a message once raised out of every poll (mail after it
    never read); now it is from nobody, left unread and counted as refused."""
    head = "From: aino.virtanen@example.com\r\nSubject: Sisäkkäin\r\nMIME-Version: 1.0\r\n"
    levels = "".join(
        f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n' for n in range(1000)
    )
    raw = (head + levels + "Content-Type: text/plain\r\n\r\nSyvällä.\r\n").encode()
    mail = read_message(raw)
    assert (mail.sender, mail.text) == (None, "")
