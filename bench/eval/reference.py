#!/usr/bin/env python3
"""The independent reference for `npm run eval:parse` (bench/eval/parse.eval.ts).

Reads every .eml file named on stdin (one path a line), parses its bytes with Python's standard
`email` package only, and prints one JSON object a line with the fields AIR extracts, following the
*intended* rules of the issue "Real mail, read right", written here without looking at AIR's parser:

  senderIp     the address the receiving organisation saw: `sender IP is X` of the topmost non-ARC
               Authentication-Results, else `client-ip=X` of the topmost Received-SPF, else the first
               Received hop (top down) whose `from` part carries a public IP ([ip], (host ip), (ip));
               an internal address only when every hop is internal
  words        visible words of the text/plain and (converted) text/html parts
  urls         http(s) links of the text parts and the HTML's hrefs (and URLs written in its visible text)
  auth         spf/dkim/dmarc of the receiver's Authentication-Results: the topmost, and those
               with its authserv-id (RFC 2047-decoded; never ARC-Authentication-Results)
  attachments  SHA-256 of each attachment part
  sender       From address (the angle-bracketed one), else Sender, else Return-Path (lower-case)
  upstream     whether the receiving service's verdict headers are present

Standard library only: CI machines of this kind have python3 but no reachable PyPI.
"""
import email
import email.header
import hashlib
import ipaddress
import json
import re
import sys
from html.parser import HTMLParser

VISIBLE_WORDS = 30
UPSTREAM_HEADERS = (
    'x-ms-exchange-organization-scl',
    'x-forefront-antispam-report',
    'x-microsoft-antispam',
    'x-spam-status',
    'x-spam-flag',
    'x-spamd-result',
)
# http(s) URLs and bare www. names, ending at white space, markup or brackets (a `]` glues two links).
URL_IN_TEXT = re.compile(r'(?:https?://|www\.)[^\s<>"\'`\[\]]+', re.I)
TRAILING = '.,;:!?)]}\'">*'
WORD = re.compile(r'\w', re.U)


def header_text(value):
    """A header's text, RFC 2047 encoded-words decoded; undecodable bytes become U+FFFD."""
    if value is None:
        return ''
    if isinstance(value, email.header.Header):
        value = str(value)
    value = str(value).encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')
    try:
        parts = email.header.decode_header(value)
        out = []
        for text, charset in parts:
            if isinstance(text, bytes):
                try:
                    out.append(text.decode(charset or 'latin-1', 'replace'))
                except LookupError:
                    out.append(text.decode('latin-1', 'replace'))
            else:
                out.append(text)
        return ''.join(out)
    except Exception:
        return value


def headers(msg, name):
    return [header_text(v) for v in (msg.get_all(name) or [])]


def usable_ip(text):
    try:
        ip = ipaddress.ip_address(text.strip().strip('[]'))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip


def internal(ip):
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_reserved or \
        (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network('100.64.0.0/10'))


HOP_BRACKET = re.compile(r'\[(?:ipv6:)?([0-9a-f:.]+)\]', re.I)
HOP_PAREN = re.compile(r'\(([^()]*)\)')
IP_TOKEN = re.compile(r'(?:ipv6:)?([0-9a-f]*:[0-9a-f:.]+|\d{1,3}(?:\.\d{1,3}){3})', re.I)


def hop_ips(received):
    """IPs of a Received header's `from` clause, in order of appearance."""
    text = ' '.join(received.split())
    m = re.match(r'\s*from\s+(.*?)(?:\sby\s|;|$)', text, re.I)
    if not m:
        return []
    clause = m.group(1)
    found = []
    for b in HOP_BRACKET.finditer(clause):
        found.append((b.start(), b.group(1)))
    for p in HOP_PAREN.finditer(clause):
        for t in IP_TOKEN.finditer(p.group(1)):
            found.append((p.start() + 1 + t.start(), t.group(1)))
    ips = []
    for _, candidate in sorted(found):
        ip = usable_ip(candidate)
        if ip is not None and ip not in ips:
            ips.append(ip)
    return ips


def sender_ip(msg):
    for text in receiver_results(msg):
        m = re.search(r'sender\s+ip\s+is\s+([0-9a-f:.]+)', text, re.I)
        if m and usable_ip(m.group(1)):
            return str(usable_ip(m.group(1)))
    spf = headers(msg, 'received-spf')
    if spf:
        m = re.search(r'client-ip\s*=\s*([0-9a-f:.]+)', spf[0], re.I)
        if m and usable_ip(m.group(1)):
            return str(usable_ip(m.group(1)))
    fallback = None
    for received in headers(msg, 'received'):
        for ip in hop_ips(received):
            if not internal(ip):
                return str(ip)
            fallback = fallback or ip
    return str(fallback) if fallback else None


def receiver_results(msg):
    """The receiver's own Authentication-Results: the topmost one and every other with its authserv-id
    (Proton Mail, for one, writes one header per method)."""
    results = headers(msg, 'authentication-results')
    if not results:
        return []
    server = results[0].split(';', 1)[0].strip().lower()
    return [r for r in results if r.split(';', 1)[0].strip().lower() == server] if ';' in results[0] else results[:1]


def auth_results(msg):
    results = receiver_results(msg)
    if not results:
        return None
    auth = {}
    for method in ('spf', 'dkim', 'dmarc'):
        auth[method] = None
        for text in results:
            m = re.search(r'(?<![\w.-])' + method + r'\s*=\s*([a-z]+)', text, re.I)
            if m:
                auth[method] = m.group(1).lower()
                break
    return auth if any(auth.values()) else None


def first_address(value):
    """The first address of an address header: an angle-bracketed one wins over an address-like display
    name (`"Alert notification@proton.me" <x@gmail.com>` is from x@gmail.com); a trailing dot is dropped."""
    quoted_mailbox = re.search(r'<\s*"([^<>\s"@]+@[^<>\s"]+?)"\s*>', value)  # <"support@bank.example">
    if quoted_mailbox:
        return quoted_mailbox.group(1).rstrip('.').lower()
    unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', ' ', value)
    m = re.search(r'<\s*([^<>\s@]+@[^<>\s]+?)\s*>', unquoted) or re.search(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+", unquoted)
    if not m:
        return None
    return (m.group(1) if m.re.groups else m.group(0)).rstrip('.').lower()


def sender(msg):
    for name in ('from', 'sender', 'return-path'):
        for value in headers(msg, name):
            addr = first_address(value)
            if addr:
                return addr
    return None


class Html(HTMLParser):
    """Visible text (no script, style, head) and every href."""

    HIDDEN = {'script', 'style', 'head', 'title', 'template'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.hrefs = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        self.link(tag, attrs)
        if tag in ('br', 'p', 'div', 'tr', 'td', 'li'):
            self.text.append(' ')

    def handle_startendtag(self, tag, attrs):
        self.link(tag, attrs)

    def link(self, tag, attrs):
        # Where a click goes: anchors and image-map areas, and where a form posts. Not <link> (style
        # sheets), <img>/<script> sources: those are fetched, not followed.
        wanted = {'a': 'href', 'area': 'href', 'form': 'action'}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.hrefs.append(value.strip())

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)


def decoded_text(part):
    payload = part.get_payload(decode=True) or b''
    charset = part.get_content_charset() or 'us-ascii'
    try:
        return payload.decode(charset, 'replace')
    except LookupError:
        return payload.decode('latin-1', 'replace')


def normalise_url(url):
    url = url.strip().rstrip(TRAILING)
    m = re.match(r'(https?)://([^/?#]*)(.*)$', url, re.I | re.S)
    if not m:
        return None
    return m.group(1).lower() + '://' + m.group(2).lower() + m.group(3)


def is_attachment(part):
    if part.is_multipart():
        return False
    disposition = (part.get('content-disposition') or '').split(';')[0].strip().lower()
    if disposition == 'attachment' or part.get_filename():
        return True
    return part.get_content_maintype() not in ('text', 'multipart', 'message')


def body_and_parts(msg):
    # An alternative's text/plain and text/html say the same thing: the larger of the two sums counts.
    plain_words = html_words = 0
    urls = set()
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if is_attachment(part):
            payload = part.get_payload(decode=True) or b''
            if payload:  # an empty part is no file (every one has the same SHA-256)
                attachments.append(hashlib.sha256(payload).hexdigest())
            continue
        kind = part.get_content_type()
        if kind == 'text/plain':
            text = decoded_text(part)
            plain_words += sum(1 for w in text.split() if WORD.search(w))
            urls.update(u.group(0) for u in URL_IN_TEXT.finditer(text))
        elif kind == 'text/html':
            html = Html()
            try:
                html.feed(decoded_text(part))
                html.close()
            except Exception:
                pass
            visible = ''.join(html.text)
            html_words += sum(1 for w in visible.split() if WORD.search(w))
            urls.update(h for h in html.hrefs if re.match(r'https?://', h, re.I))
            urls.update(u.group(0) for u in URL_IN_TEXT.finditer(visible))
    urls = {('http://' + u) if u.lower().startswith('www.') else u for u in urls}
    normalised = sorted({n for n in (normalise_url(u) for u in urls) if n})
    return max(plain_words, html_words), normalised, sorted(attachments)


def reference(path):
    with open(path, 'rb') as f:
        data = f.read()
    msg = email.message_from_bytes(data)
    words, urls, attachments = body_and_parts(msg)
    return {
        'file': path.rsplit('/', 1)[-1],
        'senderIp': sender_ip(msg),
        'words': words,
        'urls': urls,
        'auth': auth_results(msg),
        'attachments': attachments,
        'sender': sender(msg),
        'upstream': any(msg.get(h) is not None for h in UPSTREAM_HEADERS) or
        any(k.lower().startswith('x-rspamd-') for k in msg.keys()),
    }


def main():
    out = sys.stdout
    for line in sys.stdin:
        path = line.rstrip('\n')
        if not path:
            continue
        try:
            row = reference(path)
        except Exception as e:  # one bad file must not stop the evaluation
            row = {'file': path.rsplit('/', 1)[-1], 'error': f'{type(e).__name__}: {e}'}
        out.write(json.dumps(row) + '\n')


if __name__ == '__main__':
    main()
