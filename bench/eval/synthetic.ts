/**
 * Large synthetic .eml for the memory measurement of `npm run eval:parse -- --synthetic N`: each message
 * an HTML body with links and one attachment of `attachmentMb` pseudo-random bytes (incompressible, as
 * real PDFs and archives are), base64 in 76-column lines. Deterministic: message i is always the same.
 */
import crypto from 'node:crypto';

export function* syntheticMessages(count: number, attachmentMb: number): Generator<[number, Buffer]> {
  const size = Math.round(attachmentMb * 2 ** 20);
  for (let i = 0; i < count; i++) {
    const seed = crypto.createHash('sha256').update(`synthetic-${i}`).digest();
    // AES-CTR keystream of the seed: fast incompressible bytes.
    const cipher = crypto.createCipheriv('aes-256-ctr', seed, Buffer.alloc(16));
    const attachment = cipher.update(Buffer.alloc(size));
    const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
    const words = Array.from({ length: 120 }, (_, w) => `word${(w * 7 + i) % 97}`).join(' ');
    const eml = [
      `Received: from mail${i % 50}.sender.example (mail${i % 50}.sender.example [198.51.100.${i % 250}]) by mx.contoso.example with ESMTPS; Mon, 5 Jan 2026 09:00:00 +0000`,
      'Authentication-Results: mx.contoso.example; spf=pass smtp.mailfrom=sender.example; dkim=none; dmarc=fail header.from=contoso-billing.example',
      `From: "Billing" <billing${i % 10}@contoso-billing.example>`,
      'To: phishing@pot',
      `Subject: Invoice ${i} is overdue`,
      `Message-ID: <synthetic-${i}@sender.example>`,
      'Date: Mon, 5 Jan 2026 09:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<html><body><p>${words}</p><a href="https://pay.contoso-billing.example/invoice/${i}">Pay now</a></body></html>`,
      '--b1',
      `Content-Type: application/pdf; name="invoice-${i}.pdf"`,
      `Content-Disposition: attachment; filename="invoice-${i}.pdf"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64,
      '--b1--',
      '',
    ].join('\r\n');
    yield [i, Buffer.from(eml)];
  }
}
