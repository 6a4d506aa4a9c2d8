"""Hand-built PDFs with a correct xref, for the upload tests: names spelled with #xx escapes
and objects packed in compressed object streams, which hide names from a byte search."""
import zlib

def build(objects: list[bytes], root=1) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)

def stream(data: bytes, compress=True) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

JS = b"/Java#53cript"   # == /JavaScript once parsed
JSKEY = b"/J#53"          # == /JS

def page_pdf(page_extra=b"", catalog_extra=b"", extra_objects=()):
    objs = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R " + page_extra + b">>",
            stream(b"0 0 m 10 10 l S")]
    objs += list(extra_objects)
    return build(objs)


def objstm_pdf(direct: list[bytes], packed: list[bytes]) -> bytes:
    """Objects 1..len(direct) written plainly; the next ones packed in one compressed object stream;
    a cross-reference stream (PDF 1.5) indexes both."""
    import struct
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries = {}
    for i, body in enumerate(direct, 1):
        entries[i] = (1, len(out), 0)
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    first_packed = len(direct) + 1
    header, bodies, pos = [], b"", 0
    for k, body in enumerate(packed):
        header.append(b"%d %d" % (first_packed + k, pos)); bodies += body + b"\n"; pos = len(bodies)
    head = b" ".join(header) + b"\n"
    raw = zlib.compress(head + bodies)
    stm_no = first_packed + len(packed)
    for k in range(len(packed)):
        entries[first_packed + k] = (2, stm_no, k)
    entries[stm_no] = (1, len(out), 0)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
            % (stm_no, len(packed), len(head), len(raw)) + raw + b"\nendstream\nendobj\n")
    xref_no = stm_no + 1
    entries[xref_no] = (1, len(out), 0)
    rows = b"\x00" + struct.pack(">IH", 0, 65535)
    for n in range(1, xref_no + 1):
        t, a, b = entries[n]; rows += bytes([t]) + struct.pack(">IH", a, b)
    data = zlib.compress(rows)
    xref_at = entries[xref_no][1]
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d /Filter /FlateDecode >>\nstream\n"
            % (xref_no, xref_no + 1, len(data)) + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(out)
