import { describe, expect, it } from 'vitest';
import { emailToText, normalizeForDedup } from './email';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('emailToText', () => {
  it('drops the headers and keeps the subject and body', () => {
    const raw =
      'From someone@example.com  Thu Aug 22 13:17:22 2002\r\nReceived: from a by b\r\n\twith ESMTP id 1\r\n' +
      'Subject: Hello there\r\nContent-Type: text/plain\r\n\r\nFirst line.\r\n\r\n\r\n\r\nSecond   line.\r\n';
    expect(emailToText(raw)).toEqual({ subject: 'Hello there', body: 'First line.\n\nSecond line.' });
  });

  it('unfolds a folded subject', () => {
    const raw = 'Subject: a subject that\n  goes on\n\tand on\nFrom: x@y\n\nbody';
    expect(emailToText(raw).subject).toBe('a subject that goes on and on');
  });

  it('decodes RFC 2047 encoded-word subjects', () => {
    expect(emailToText('Subject: =?utf-8?B?' + b64('Grüße €') + '?=\n\nx').subject).toBe('Grüße €');
    expect(emailToText('Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?= now\n\nx').subject).toBe('Café crème now');
    expect(emailToText('Subject: =?us-ascii?Q?a?= =?us-ascii?Q?b?=\n\nx').subject).toBe('ab');
  });

  const multipart = (parts: string[]) =>
    'Subject: s\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XX"\n\nThis is a MIME message.\n' +
    parts.map((p) => '--XX\n' + p + '\n').join('') +
    '--XX--\nepilogue\n';

  it('keeps only the text/plain part of a multipart with an attachment', () => {
    const raw = multipart([
      'Content-Type: text/plain; charset=us-ascii\n\nThe text.',
      'Content-Type: application/pdf; name="a.pdf"\nContent-Transfer-Encoding: base64\n' +
        'Content-Disposition: attachment; filename="a.pdf"\n\n' +
        b64('%PDF-1.4 secret attachment'),
    ]);
    expect(emailToText(raw).body).toBe('The text.');
  });

  it('decodes a base64 text part and drops a base64 text attachment', () => {
    const raw = multipart([
      'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n' + b64('Décodé en base64.'),
      'Content-Type: text/plain; name="notes.txt"\nContent-Transfer-Encoding: base64\n' +
        'Content-Disposition: attachment; filename="notes.txt"\n\n' +
        b64('attached notes'),
      'Content-Type: image/gif\nContent-Transfer-Encoding: base64\n\nR0lGODlhAQABAAAAACw=',
    ]);
    const { body } = emailToText(raw);
    expect(body).toBe('Décodé en base64.');
  });

  it('decodes quoted-printable with soft line breaks', () => {
    const raw =
      'Subject: qp\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n' +
      'A long line that is bro=\nken here, caf=E9 and =3D sign.\n';
    expect(emailToText(raw).body).toBe('A long line that is broken here, café and = sign.');
    const utf8 = 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nna=C3=AFve =E2=82=AC';
    expect(emailToText(utf8).body).toBe('naïve €');
  });

  it('converts an HTML-only mail to text without tags, scripts or styles', () => {
    const raw =
      'Subject: offer\nContent-Type: text/html\n\n<!DOCTYPE html><html><head><title>T</title>' +
      '<style>p { color: red }</style></head><body><script>alert("x")</script><!-- hidden -->' +
      '<p>Buy <b>now</b>!</p><div>Cheap&nbsp;&amp;&nbsp;fast &lt;3 &#169; &#x20AC;5 &eacute;</div></body></html>';
    const { body } = emailToText(raw);
    expect(body).toBe('Buy now !\n\nCheap & fast <3 © €5 é');
    expect(body).not.toMatch(/alert|color|hidden|<\/?[a-z]/i);
  });

  it('prefers text/plain over text/html in multipart/alternative', () => {
    const raw =
      'Content-Type: multipart/alternative; boundary=b1\n\n--b1\nContent-Type: text/plain\n\nplain version\n' +
      '--b1\nContent-Type: text/html\n\n<p>html version</p>\n--b1--\n';
    expect(emailToText(raw).body).toBe('plain version');
  });

  it('walks nested multiparts', () => {
    const raw =
      'Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n' +
      '--inner\nContent-Type: text/html\n\n<html><body>only <i>html</i></body></html>\n--inner--\n' +
      '--outer\nContent-Type: application/octet-stream\n\nxxxx\n--outer--\n';
    expect(emailToText(raw).body).toBe('only html');
  });

  it('reads HTML sent as untyped text as HTML', () => {
    expect(emailToText('Subject: s\n\n<html><body><font>Hi</font></body></html>').body).toBe('Hi');
  });

  it('walks a multipart body sent without a multipart Content-Type', () => {
    const raw =
      'Subject: s\nContent-Type: text/plain\n\nThis is a multipart MIME message.\n\n--= Boundary 1\n' +
      'Content-Type: text/plain; charset="iso-8859-1"\nContent-Transfer-Encoding: 7bit\n\nreal text\n' +
      '--= Boundary 1\nContent-Type: text/html\n\n<p>real text</p>\n--= Boundary 1--\n';
    const { body } = emailToText(raw);
    expect(body).toContain('real text');
    expect(body).not.toMatch(/Content-Type|Boundary 1|<p>/);
  });

  it('never throws on garbage', () => {
    const samples = [
      '',
      '\n\n\n',
      ':::',
      'Subject',
      'Content-Type: multipart/mixed; boundary=\n\n--\n--\n',
      '=?utf-8?B?####?=',
      'Subject: =?x-unknown?Q?=FF=FE?=\nContent-Type: text/plain; charset=x-bogus\nContent-Transfer-Encoding: base64\n\n!!!@@@',
      'Content-Type: multipart/mixed; boundary="a"\n\n' + '--a\nContent-Type: multipart/mixed; boundary="a"\n\n'.repeat(50),
      '<html><script>never closed',
      '&#xFFFFFF; &#0; &#55296; &bogus;',
    ];
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      let s = '';
      for (let i = 0; i < 300; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        s += '\n:=?<>-&;aZ\t "B64'[seed % 17];
      }
      samples.push(s);
    }
    for (const sample of samples) {
      const out = emailToText(sample);
      expect(typeof out.subject).toBe('string');
      expect(typeof out.body).toBe('string');
    }
    expect(emailToText(undefined as unknown as string)).toEqual({ subject: '', body: '' });
  });
});

describe('normalizeForDedup', () => {
  it('ignores case, spacing and Unicode compatibility forms', () => {
    expect(normalizeForDedup('  Hello\n\n  WORLD ')).toBe(normalizeForDedup('hello world'));
    expect(normalizeForDedup('ｆｕｌｌ')).toBe('full');
    expect(normalizeForDedup('a b')).not.toBe(normalizeForDedup('ab'));
  });
});
