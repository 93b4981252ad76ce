"""Loopback IMAP4rev1 and POP3 servers holding one mailbox, for the bounce reader.

They speak the subset of each protocol that a mail client reading and emptying a box
uses (imaplib and poplib, unpatched, talk to them): IMAP CAPABILITY, LOGIN, SELECT,
UID SEARCH, UID FETCH BODY.PEEK[] / RFC822, UID STORE +FLAGS, EXPUNGE, CLOSE, NOOP,
LOGOUT; POP3 CAPA, USER, PASS, STAT, LIST, RETR, DELE, RSET, NOOP, QUIT (deletions
happen at QUIT, as RFC 1939 says). Each server runs in a thread on 127.0.0.1.
"""

import re
import socketserver
import threading
from dataclasses import dataclass, field

USER, PASSWORD = "bounces@ona.example.org", 'p@ss "word"'


@dataclass
class Mailbox:
    messages: dict[int, bytes] = field(default_factory=dict)  # uid -> message
    deleted: set[int] = field(default_factory=set)  # flagged \Deleted
    next_uid: int = 1
    logins: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, raw: bytes) -> int:
        with self.lock:
            uid = self.next_uid
            self.messages[uid] = raw
            self.next_uid += 1
            return uid

    def uids(self) -> list[int]:
        return sorted(self.messages)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler, mailbox: Mailbox):
        self.mailbox = mailbox
        super().__init__(("127.0.0.1", 0), handler)


class _Loopback:
    handler: type

    def __init__(self):
        self.mailbox = Mailbox()
        self._server = _Server(self.handler, self.mailbox)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def url(self, scheme: str, user: str = USER, password: str = PASSWORD) -> str:
        from urllib.parse import quote

        credentials = f"{quote(user, safe='')}:{quote(password, safe='')}"
        suffix = "/INBOX" if scheme.startswith("imap") else ""
        return f"{scheme}://{credentials}@127.0.0.1:{self.port}{suffix}"


_ATOM_OR_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def _arguments(text: str) -> list[str]:
    return [
        re.sub(r"\\(.)", r"\1", match[1]) if match[1] is not None else match[2]
        for match in _ATOM_OR_STRING.finditer(text)
    ]


class _ImapHandler(socketserver.StreamRequestHandler):
    def _send(self, line: str | bytes) -> None:
        data = line if isinstance(line, bytes) else line.encode()
        self.wfile.write(data + b"\r\n")

    def handle(self) -> None:
        box: Mailbox = self.server.mailbox
        authenticated = selected = False
        self._send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] loopback IMAP ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "UID":
                command, _, args = args.partition(" ")
                command = "UID " + command.upper()
            if command == "CAPABILITY":
                self._send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
            elif command == "NOOP":
                pass
            elif command == "LOGOUT":
                self._send("* BYE loopback IMAP closing")
                self._send(f"{tag} OK LOGOUT completed")
                return
            elif command == "LOGIN":
                user, password = (_arguments(args) + ["", ""])[:2]
                if (user, password) != (USER, PASSWORD):
                    self._send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
                    continue
                authenticated = True
                box.logins += 1
            elif not authenticated:
                self._send(f"{tag} BAD log in first")
                continue
            elif command in {"SELECT", "EXAMINE"}:
                if _arguments(args)[0].upper() != "INBOX":
                    self._send(f"{tag} NO no such mailbox")
                    continue
                selected = True
                self._send(f"* {len(box.messages)} EXISTS")
                self._send("* 0 RECENT")
                self._send("* OK [UIDVALIDITY 1] UIDs valid")
                self._send(f"* OK [UIDNEXT {box.next_uid}] next UID")
                self._send(f"{tag} OK [READ-WRITE] SELECT completed")
                continue
            elif not selected:
                self._send(f"{tag} BAD select a mailbox first")
                continue
            elif command == "UID SEARCH":
                criteria = args.upper().split()
                with box.lock:
                    uids = [
                        uid
                        for uid in box.uids()
                        if "UNDELETED" not in criteria or uid not in box.deleted
                    ]
                self._send("* SEARCH " + " ".join(map(str, uids)))
            elif command == "UID FETCH":
                uid_text, _, items = args.partition(" ")
                with box.lock:
                    uids = box.uids()
                    raw = box.messages.get(int(uid_text))
                if raw is not None:
                    section = "RFC822" if "RFC822" in items.upper() else "BODY[]"
                    sequence = uids.index(int(uid_text)) + 1
                    head = (
                        f"* {sequence} FETCH (UID {uid_text} {section} {{{len(raw)}}}"
                    )
                    self.wfile.write(head.encode() + b"\r\n" + raw + b")\r\n")
            elif command == "UID STORE":
                uid_text, _, flags = args.partition(" ")
                with box.lock:
                    if int(uid_text) in box.messages and "\\DELETED" in flags.upper():
                        box.deleted.add(int(uid_text))
            elif command in {"EXPUNGE", "CLOSE"}:
                with box.lock:
                    for uid in sorted(box.deleted, reverse=True):
                        if uid in box.messages:
                            sequence = box.uids().index(uid) + 1
                            del box.messages[uid]
                            if command == "EXPUNGE":
                                self._send(f"* {sequence} EXPUNGE")
                    box.deleted.clear()
                if command == "CLOSE":
                    selected = False
            else:
                self._send(f"{tag} BAD unknown command")
                continue
            self._send(f"{tag} OK {command} completed")


class _Pop3Handler(socketserver.StreamRequestHandler):
    def _send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        box: Mailbox = self.server.mailbox
        user = None
        authenticated = False
        with box.lock:
            snapshot = box.uids()  # POP3 numbers messages for the whole session
        doomed: set[int] = set()
        self._send("+OK loopback POP3 ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return  # no QUIT: no deletions (RFC 1939)
            command, _, args = line.decode().rstrip("\r\n").partition(" ")
            command = command.upper()
            if command == "CAPA":
                self.wfile.write(b"+OK\r\nUSER\r\nUIDL\r\n.\r\n")
            elif command == "USER":
                user = args
                self._send("+OK")
            elif command == "PASS":
                if (user, args) != (USER, PASSWORD):
                    self._send("-ERR [AUTH] invalid credentials")
                    continue
                authenticated = True
                box.logins += 1
                self._send("+OK logged in")
            elif command == "QUIT":
                if authenticated:
                    with box.lock:
                        for uid in doomed:
                            box.messages.pop(uid, None)
                self._send("+OK bye")
                return
            elif not authenticated:
                self._send("-ERR log in first")
            elif command == "STAT":
                live = [uid for uid in snapshot if uid not in doomed]
                size = sum(len(box.messages.get(uid, b"")) for uid in live)
                self._send(f"+OK {len(live)} {size}")
            elif command == "LIST":
                self.wfile.write(b"+OK\r\n")
                for number, uid in enumerate(snapshot, start=1):
                    if uid not in doomed:
                        self._send(f"{number} {len(box.messages.get(uid, b''))}")
                self.wfile.write(b".\r\n")
            elif command in {"RETR", "DELE"}:
                number = int(args) if args.isdigit() else 0
                if not 1 <= number <= len(snapshot) or snapshot[number - 1] in doomed:
                    self._send("-ERR no such message")
                    continue
                uid = snapshot[number - 1]
                if command == "DELE":
                    doomed.add(uid)
                    self._send("+OK deleted")
                    continue
                raw = box.messages.get(uid, b"")
                stuffed = re.sub(rb"(?m)^\.", b"..", raw.replace(b"\r\n", b"\n"))
                body = stuffed.replace(b"\n", b"\r\n")
                if not body.endswith(b"\r\n"):
                    body += b"\r\n"
                self.wfile.write(b"+OK message follows\r\n" + body + b".\r\n")
            elif command == "RSET":
                doomed.clear()
                self._send("+OK")
            elif command == "NOOP":
                self._send("+OK")
            else:
                self._send("-ERR unknown command")


class LoopbackImap(_Loopback):
    handler = _ImapHandler


class LoopbackPop3(_Loopback):
    handler = _Pop3Handler
