#!/usr/bin/env python3
"""The independent reference for `npm run eval:parse` (bench/eval/parse.eval.ts).

Reads every .eml file named on stdin (one path a line), parses its bytes with Python's standard
`email` package only, and prints one JSON object a line with the fields AIR extracts, following the
*intended* rules of the issue "Real mail, read right", written here without looking at AIR's parser:

  senderIp     the address the receiving organisation saw: `sender IP is X` or `smtp.remote-ip=X` of the
               receiver's Authentication-Results, else `client-ip=X` of the topmost Received-SPF, else the
               first Received hop (top down, below the receiver's results when any stands there) whose
               `from` part carries a public IP ([ip], (host ip), (ip)); an internal address only when the
               receiver saw one (its results, its SPF check, the hop the message entered by)
  words        visible words of the text/plain and (converted) text/html parts
  urls         http(s) links of the text parts and the HTML's hrefs (and URLs written in its visible text),
               as a browser follows them: tabs and line breaks dropped, spaces percent-encoded, no link
               whose host does not parse; an unfilled template placeholder ({{x}}, {x}, [x], [[x]], %X%,
               *|X|*, ##X##) in or before the host drops the link, after it cuts the link there; a bare
               www. name counts when its last label is a top-level domain of the Public Suffix List
               (Debian's `publicsuffix` file when installed, else any label of 2+ letters)
  auth         spf/dkim/dmarc of the receiver's Authentication-Results: the topmost, and those
               with its authserv-id (RFC 2047-decoded; never ARC-Authentication-Results)
  attachments  SHA-256 of each attachment part
  sender       From address (the angle-bracketed one), else Sender, else Return-Path (lower-case);
               raw UTF-8 in a header (RFC 6532) read as UTF-8
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
    """A header's text, RFC 2047 encoded-words decoded; raw 8-bit bytes read as UTF-8 (RFC 6532), else
    Latin-1; undecodable bytes become U+FFFD."""
    if value is None:
        return ''
    if isinstance(value, email.header.Header):
        # compat32 hands a header with raw 8-bit bytes over as a Header in the `unknown-8bit` charset.
        chunks = []
        for text, charset in email.header.decode_header(value):
            if isinstance(text, bytes):
                try:
                    text = text.decode('utf-8' if charset in (None, 'unknown-8bit') else charset)
                except (UnicodeDecodeError, LookupError):
                    text = text.decode('latin-1', 'replace')
            chunks.append(text)
        value = ''.join(chunks)
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
# An address standing alone, not digits inside a host name (`static.26.28.90.157.clients.example`).
IP_TOKEN = re.compile(r'(?<![\w.:-])(?:ipv6:)?([0-9a-f]*:[0-9a-f:.]+|\d{1,3}(?:\.\d{1,3}){3})(?![\w.-])', re.I)


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
    seen = []  # what the receiver itself saw, internal or not
    for text in receiver_results(msg):
        # Exchange Online: `sender IP is X`; Proton Mail and others: `smtp.remote-ip=X`.
        m = re.search(r'sender\s+ip\s+is\s+([0-9a-f:.]+)', text, re.I) or re.search(r'smtp\.remote-ip\s*=\s*([0-9a-f:.]+)', text, re.I)
        if m and usable_ip(m.group(1)):
            if not internal(usable_ip(m.group(1))):
                return str(usable_ip(m.group(1)))
            seen.append(usable_ip(m.group(1)))
    spf = headers(msg, 'received-spf')
    if spf:
        m = re.search(r'client-ip\s*=\s*([0-9a-f:.]+)', spf[0], re.I)
        if m and usable_ip(m.group(1)):
            if not internal(usable_ip(m.group(1))):
                return str(usable_ip(m.group(1)))
            seen.append(usable_ip(m.group(1)))
    # Received headers above the receiver's results are its own relays (read only when none stands below).
    names = [k.lower() for k in msg.keys()]
    values = [header_text(v) for v in msg.values()]
    first_result = min((i for i, n in enumerate(names) if n in ('authentication-results', 'received-spf')), default=None)
    hops = [v for n, v in zip(names, values) if n == 'received']
    if first_result is not None:
        below = [v for i, (n, v) in enumerate(zip(names, values)) if n == 'received' and i > first_result]
        hops = below or hops
    entry = None
    for received in hops:
        ips = hop_ips(received)
        if entry is None and re.match(r'\s*from\s', received, re.I):
            entry = ips[0] if ips else False
        for ip in ips:
            if not internal(ip):
                return str(ip)
    # Internal only when the receiver saw it: its results, its SPF check, or the hop the message entered by.
    fallback = seen[0] if seen else (entry or None)
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
    # A single-label domain (`user@localhost`) only when the address is all the header says: inside text
    # (`noreply@Kundenbetreuung Auto-Notfallset.de`) a dotless match is a broken address, not one.
    m = re.search(r'<\s*([^<>\s@]+@[^<>\s]+?)\s*>', unquoted) or re.search(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+", unquoted) or \
        re.fullmatch(r"\s*([\w.+'=-]+@[\w-]+)\s*", unquoted)
    if not m:
        return None
    return (m.group(1) if m.re.groups else m.group(0)).strip().rstrip('.').lower()


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
    # What may stand in a document's head; any other element ends it, as browsers do (a kit that never
    # closes <head> still shows its body).
    # Elements a browser lays out as blocks (or breaks): text on either side of one is never one word.
    BLOCK = {'address', 'article', 'aside', 'blockquote', 'br', 'center', 'dd', 'div', 'dl', 'dt', 'fieldset',
             'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li',
             'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul'}
    HEAD_CONTENT = {'title', 'style', 'script', 'meta', 'link', 'base', 'noscript', 'template', 'head'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.hrefs = []
        self.hidden = 0
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        if self.in_head and tag not in self.HEAD_CONTENT:
            self.in_head = False
            self.hidden -= 1
        if tag == 'head':
            if self.in_head:
                return
            self.in_head = True
        if tag in self.HIDDEN:
            self.hidden += 1
        self.link(tag, attrs)
        if tag in self.BLOCK:
            self.text.append(' ')

    def handle_startendtag(self, tag, attrs):
        if self.in_head and tag not in self.HEAD_CONTENT:
            self.in_head = False
            self.hidden -= 1
        self.link(tag, attrs)

    def link(self, tag, attrs):
        # Where a click goes: anchors and image-map areas, and where a form posts. Not <link> (style
        # sheets), <img>/<script> sources: those are fetched, not followed.
        wanted = {'a': 'href', 'area': 'href', 'form': 'action'}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.hrefs.append(value.strip())

    def handle_endtag(self, tag):
        if tag in self.BLOCK:
            self.text.append(' ')
        if tag == 'head':
            if not self.in_head:
                return
            self.in_head = False
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if self.in_head and self.hidden == 1 and data.strip():  # text, not inside a title or style, ends the head too
            self.in_head = False
            self.hidden -= 1
        if not self.hidden:
            self.text.append(data)


# A character reference to a control character (`&#16;`) is the character itself in HTML (a parse error,
# not a deletion); html.unescape deletes it. Put in as the character, a URL then percent-encodes it.
CONTROL_CHARREF = re.compile(r'&#(?:0*(\d{1,2})|[xX]0*([0-9a-fA-F]{1,2}));')


def control_char(m):
    n = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    return chr(n) if 0 < n < 0x20 and n not in (9, 10, 12, 13) else m.group(0)


def decoded_text(part):
    payload = part.get_payload(decode=True) or b''
    charset = part.get_content_charset() or 'us-ascii'
    try:
        return payload.decode(charset, 'replace')
    except LookupError:
        return payload.decode('latin-1', 'replace')


# Unfilled template placeholders: {{x}} {x} [x] [[x]] (a bracket after a word is a PHP-style parameter,
# one holding a colon an IPv6 host), %NAME% (not a percent-escape), *|X|*, ##X##.
PLACEHOLDER = re.compile(
    r'\{\{?[\w.-]{1,40}\}\}?|(?<![\w\]])\[\[?[\w.-]{1,40}\]\]?|%(?![0-9a-f]{2})[a-z_]\w{1,39}%|\*\|[\w:-]{1,40}\|\*|##[\w-]{1,40}##',
    re.I)
HOST = re.compile(r'^(?:[^@/?#\s]*@)?(\[[0-9a-f:.]+\]|[^\s:/?#\[\]@]+)(?::\d*)?$', re.I)


def followable(url):
    """The link as a browser follows it (see the module's `urls`), or None."""
    url = re.sub(r'[\t\r\n]', '', url).strip()
    m = re.match(r'(https?://)([^/?#]*)', url, re.I)
    if not m:
        return None
    p = PLACEHOLDER.search(url)
    if p:
        if p.start() < m.end():
            return None
        url = url[:p.start()].rstrip('?&#')
    if not HOST.match(m.group(2)) or '..' in m.group(2) or m.group(2).startswith('.'):
        return None
    host = m.group(2).rsplit('@', 1)[-1].split(':')[0].rstrip('.')
    last = host.rsplit('.', 1)[-1]
    if re.fullmatch(r'\d+|0x[0-9a-f]*', last, re.I) and not whatwg_ipv4(host):
        return None  # a host ending in a number is an IPv4 address to a browser, or nothing (`site.example.3`)
    return re.sub(r'[\x00-\x20\x7f]', lambda c: '%%%02X' % ord(c.group(0)), url)


def whatwg_ipv4(host):
    """Whether a browser reads the host as an IPv4 address: 1 to 4 parts, each decimal, 0-octal or 0x-hex
    (`2997024026`, `0137.0323.0053.0062` and `1.2.3` are addresses; obfuscated IPs are a phishing classic)."""
    parts = host.split('.')
    if not 1 <= len(parts) <= 4:
        return False
    numbers = []
    for p in parts:
        if re.fullmatch(r'0x[0-9a-f]*', p, re.I):
            numbers.append(int(p[2:] or '0', 16))
        elif re.fullmatch(r'0[0-7]+', p):
            numbers.append(int(p, 8))
        elif re.fullmatch(r'0|[1-9]\d*', p):
            numbers.append(int(p))
        else:
            return False
    if any(n > 255 for n in numbers[:-1]):
        return False
    return numbers[-1] < 256 ** (5 - len(numbers))


def load_tlds():
    try:
        with open('/usr/share/publicsuffix/public_suffix_list.dat', encoding='utf-8') as f:
            return {line.strip().lower() for line in f if line.strip() and not line.startswith('//') and '.' not in line.strip()
                    and not line.startswith('!') and not line.startswith('*')}
    except OSError:
        return None


TLDS = load_tlds()


def real_www_name(url):
    """A bare www. name is a link only when it ends in a top-level domain."""
    host = re.match(r'www\.([^/?#:\s]*)', url, re.I).group(1).rstrip('.').lower()
    if '.' not in host:
        return False
    tld = host.rsplit('.', 1)[1]
    if TLDS is not None:
        try:
            return tld in TLDS or tld.encode('idna').decode('ascii') in TLDS
        except UnicodeError:
            return False
    return re.fullmatch(r'[a-z]{2,}', tld) is not None


def normalise_url(url):
    url = url.strip().rstrip(TRAILING)
    m = re.match(r'(https?)://([^/?#]*)(.*)$', url, re.I | re.S)
    if not m:
        return None
    return m.group(1).lower() + '://' + m.group(2).lower() + m.group(3)


def content_type(part):
    """The part's type/subtype, read from the leading token of Content-Type: kits write
    `text/html charset=windows-1252` (no `;`), which the email package takes whole as the type."""
    m = re.match(r'\s*([\w.+-]+/[\w.+-]+)', str(part.get('content-type') or ''))
    return m.group(1).lower() if m else part.get_content_type()


def is_attachment(part):
    if part.is_multipart():
        return False
    disposition = (part.get('content-disposition') or '').split(';')[0].strip().lower()
    if disposition == 'attachment' or part.get_filename():
        return True
    return content_type(part).split('/')[0] not in ('text', 'multipart', 'message')


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
        kind = content_type(part)
        if kind == 'text/plain':
            text = decoded_text(part)
            plain_words += sum(1 for w in text.split() if WORD.search(w))
            urls.update(u.group(0) for u in URL_IN_TEXT.finditer(text))
        elif kind == 'text/html':
            html = Html()
            try:
                html.feed(CONTROL_CHARREF.sub(control_char, decoded_text(part)))
                html.close()
            except Exception:
                pass
            visible = ''.join(html.text)
            html_words += sum(1 for w in visible.split() if WORD.search(w))
            urls.update(h for h in html.hrefs if re.match(r'https?://', h, re.I))
            urls.update(u.group(0) for u in URL_IN_TEXT.finditer(visible))
    urls = {('http://' + u) if u.lower().startswith('www.') else u for u in urls
            if not u.lower().startswith('www.') or real_www_name(u.rstrip(TRAILING))}
    normalised = sorted({n for n in (normalise_url(f) for f in (followable(u) for u in urls) if f) if n})
    return max(plain_words, html_words), normalised, sorted(attachments)


UNCLOSED_BOUNDARY = re.compile(rb'(?im)^((?:content-type:|[ \t]).*?boundary\s*=\s*"[^"\r\n]*)(\r?\n)')


def reference(path):
    with open(path, 'rb') as f:
        data = f.read()
    # A boundary parameter whose quote is never closed (`boundary="--_=_x_=_` to the end of the line) is
    # read by mail clients as running to the end of the line; the email package reads no boundary at all.
    data = UNCLOSED_BOUNDARY.sub(rb'\1"\2', data)
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
